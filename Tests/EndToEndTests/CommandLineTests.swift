import Foundation
import Testing

@Suite struct CommandLineTests {
    @Test func helpExplainsTheCommands() throws {
        let top = try Moat.run(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("model checker for hypervisor isolation"))
        #expect(top.stdout.contains("check"))
        let check = try Moat.run(["check", "--help"])
        #expect(check.status == 0)
        #expect(check.stdout.contains("--format"))
        #expect(check.stdout.contains("Exit status"))
    }

    @Test func versionIsPrinted() throws {
        let run = try Moat.run(["--version"])
        #expect(run.status == 0)
        #expect(run.stdout.trimmingCharacters(in: .whitespacesAndNewlines).range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
    }

    @Test(arguments: [
        (["check"], "Missing expected argument"),
        (["check", "--format", "xml", "models/two-guests.moat"], "xml"),
        (["check", "--bogus", "models/two-guests.moat"], "--bogus"),
        (["frobnicate"], "frobnicate"),
        (["check", "--timeout", "-1", "models/two-guests.moat"], "--timeout"),
    ])
    func usageErrorsExitWithTwo(arguments: [String], fragment: String) throws {
        let run = try Moat.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains(fragment), "\(run.stderr)")
    }

    @Test func aMissingFileIsBadInput() throws {
        let run = try Moat.run(["check", "models/no-such-model.moat"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("models/no-such-model.moat:1:1: error: cannot read the file"))
    }
}
