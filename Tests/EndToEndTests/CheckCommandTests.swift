import Foundation
import Testing

@Suite struct CheckCommandTests {
    @Test func twoGuestsProvesEveryProperty() throws {
        let run = try Moat.run(["check", "models/two-guests.moat"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("8 properties: 8 proved, 0 attacks, 0 unknown"))
        #expect(run.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  proved ") }.count == 8)
        #expect(run.stdout.contains("blocked by: guest1 maps guest-physical [0x0, 0x10000000) to g1.ram"))
        #expect(run.stderr.isEmpty)
    }

    @Test func overlappingMappingIsAnAttackWithItsWitness() throws {
        let run = try Moat.run(["check", "models/overlapping-mapping.moat"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("attack   guest1 cannot read guest2"))
        #expect(run.stdout.contains("1. guest1 reads guest-physical 0x1000000 → host-physical 0x20003000 (g2.ram + 0x3000)"))
        #expect(run.stdout.contains("2. guest2 executes guest-physical 0x3000 → host-physical 0x20003000 (g2.ram + 0x3000)"))
        #expect(run.stdout.contains("5 properties: 2 proved, 3 attacks, 0 unknown"))
    }

    @Test func severalFilesExitWithTheWorstStatus() throws {
        let attack = try Moat.run(["check", "models/two-guests.moat", "models/overlapping-mapping.moat"])
        #expect(attack.status == 1)
        #expect(attack.stdout.contains("13 properties: 10 proved, 3 attacks, 0 unknown"))
        let bad = try Moat.run(["check", "models/overlapping-mapping.moat", "Tests/EndToEndTests/Inputs/malformed/05-bad-hex.moat"])
        #expect(bad.status == 2)
        #expect(bad.stdout.contains("attack   guest1 cannot read guest2"), "a bad file does not stop the others")
    }

    @Test func unknownVerdictsExitWithThree() throws {
        let run = try Moat.run(["check", Moat.inputs.appendingPathComponent("unknown.moat").path])
        #expect(run.status == 3)
        #expect(run.stdout.contains("unknown  isolated: guest1 cannot read guest2"))
        #expect(run.stdout.contains("can write region 'g1.vmcs' (kind vmcs)"))
    }

    @Test func jsonOutputCarriesVerdictsAndSteps() throws {
        let run = try Moat.run(["check", "--format", "json", "models/overlapping-mapping.moat"])
        #expect(run.status == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        let models = try #require(document["models"] as? [[String: Any]])
        let properties = try #require(models.first?["properties"] as? [[String: Any]])
        #expect(properties.map { $0["verdict"] as? String } == ["attack", "attack", "attack", "proved", "proved"])
        let steps = try #require(properties[0]["steps"] as? [[String: Any]])
        #expect(steps.first?["hpa"] as? String == "0x20003000")
        #expect(steps.first?["region"] as? String == "g2.ram")
        #expect(properties[3]["blockingFacts"] as? [String] != nil)
    }

    @Test func colourOnlyWhenAskedOrOnATerminal() throws {
        let plain = try Moat.run(["check", "models/overlapping-mapping.moat"])
        #expect(!plain.stdout.contains("\u{1B}["))
        let forced = try Moat.run(["check", "--color", "always", "models/overlapping-mapping.moat"])
        #expect(forced.stdout.contains("\u{1B}[31m"))
    }
}
