import Platform
import Testing

@testable import Checker

/// Guests of the same shape share one search: the exchanged saturated state is a candidate that
/// the certificate re-check accepts or rejects, so sharing never changes a verdict.
@Suite struct SharedProofsTests {
    /// Two guests with `pages` separate 4 KiB mappings each (more paths than the slicing threshold);
    /// `extra` goes inside guest2's block.
    static func twoFragmentedGuests(pages: Int = 40, guest2Extra: String = "") -> String {
        func maps(_ region: String) -> String {
            (0..<pages).map { i in
                "    map 0x\(String(UInt64(i) * 0x2000, radix: 16)) size 4K -> \(region) + 0x\(String(UInt64(i) * 0x1000, radix: 16)) rw-"
            }.joined(separator: "\n")
        }
        return """
            platform "shared" {
              region hv.code  0x0010_0000 size 1M   owner hypervisor kind code
              region hv.data  0x0020_0000 size 1M   owner hypervisor kind data secret
              region g1.ram   0x1_0000_0000 size 1M owner guest1 secret
              region g2.ram   0x2_0000_0000 size 1M owner guest2 secret
              region g3.ram   0x3_0000_0000 size 1M owner guest3 secret
              partition guest1 {
            \(maps("g1.ram"))
              }
              partition guest2 {
            \(maps("g2.ram"))
            \(guest2Extra)
              }
              partition guest3 { map 0x0 size 4K -> g3.ram rw- }
            }
            property "guest1 cannot read the hypervisor" { guest1 cannot read hypervisor }
            property "guest2 cannot read the hypervisor" { guest2 cannot read hypervisor }
            property "guest1 cannot read guest3" { guest1 cannot read guest3 }
            property "guest2 cannot read guest3" { guest2 cannot read guest3 }
            property "guest2 cannot read guest1" { guest2 cannot read guest1 }
            """
    }

    @Test func theSecondGuestsQuestionIsProvedFromTheFirstsSaturatedState() throws {
        let p = try platform(Self.twoFragmentedGuests())
        let results = Checker(platform: p).checkAll()
        let methods = results.map { $0.verdict.certificate?.method ?? "not proved" }
        #expect(!methods[0].contains("exchanged"))
        #expect(methods[1].contains("the saturated state of 'guest1 cannot read the hypervisor' with guest1 and guest2 exchanged, re-checked"), "\(methods[1])")
        #expect(methods[3].contains("the saturated state of 'guest1 cannot read guest3' with guest1 and guest2 exchanged"), "\(methods[3])")
        // A question about one of the two guests is not shared.
        #expect(!methods[4].contains("exchanged"))
        // The same verdicts, and the same blocking facts, as each question searched on its own.
        for (property, result) in zip(p.properties, results) {
            let alone = Checker(platform: p).check(property).verdict
            #expect(alone.word == result.verdict.word, "\(property.name)")
            #expect(Set(alone.certificate?.blockingFacts ?? []) == Set(result.verdict.certificate?.blockingFacts ?? []), "\(property.name)")
        }
    }

    @Test func aCandidateThatDoesNotFitIsSearched() throws {
        // guest2 also maps the hypervisor's data: the exchanged state of guest1's proof is no proof for guest2.
        let p = try platform(Self.twoFragmentedGuests(guest2Extra: "    map 0x100_0000 size 4K -> hv.data r--"))
        let results = Checker(platform: p).checkAll()
        #expect(results[0].verdict.word == "proved")
        #expect(results[1].verdict.word == "attack", "\(results[1].verdict)")
    }

    @Test func smallModelsDoNotShare() throws {
        let p = try platform(Self.twoFragmentedGuests(pages: 4))
        let results = Checker(platform: p).checkAll()
        #expect(results.allSatisfy { !($0.verdict.certificate?.method.contains("exchanged") ?? false) })
        #expect(results.allSatisfy { $0.verdict.word == "proved" })
    }

    @Test func exchangingRenamesContextsDevicesAndRegions() throws {
        let p = try platform(Self.twoFragmentedGuests())
        var state = AttackState()
        state.controls = [.partition("guest1"), .hypervisor]
        state.read = ["g1.ram", "hv.data"]
        let swapped = try #require(SharedProofs(platform: p).exchange(state, "guest1", "guest2"))
        #expect(swapped.controls == [.partition("guest2"), .hypervisor])
        #expect(swapped.read == ["g2.ram", "hv.data"])
        // Facts it does not rename: no candidate.
        state.eptOff = [.partition("guest1")]
        #expect(SharedProofs(platform: p).exchange(state, "guest1", "guest2") == nil)
    }
}
