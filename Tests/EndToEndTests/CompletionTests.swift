import Foundation
import Testing

/// `moat --generate-completion-script SHELL` (swift-argument-parser) knows every subcommand.
@Suite struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptNamesEverySubcommand(shell: String) throws {
        let run = try Moat.run(["--generate-completion-script", shell])
        #expect(run.status == 0, "\(run.stderr)")
        for command in ["check", "lint", "export-smt", "sweep"] {
            #expect(run.stdout.contains(command), "\(shell) completion lacks \(command)")
        }
        #expect(run.stdout.contains("format"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/bash"), "bash is not installed"))
    func bashCompletionIsValidBash() throws {
        let script = try Moat.run(["--generate-completion-script", "bash"]).stdout
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("moat-completion-\(UUID().uuidString).bash")
        try script.write(to: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-n", path.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
