import ArgumentParser
import Platform
import Report

/// `moat lint`: configuration findings without search.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Report configuration findings without search, each with a rule id, severity and location.",
        discussion: """
            Rules: \(LintRule.all.map { "\($0.id) \($0.name) (\($0.severity.rawValue))" }.joined(separator: "; ")).

            Exit status: 0 no finding at error level, 1 a finding at error level, 2 bad input.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @Argument(help: "Model files (.moat).", completion: .file(extensions: ["moat"]))
    var files: [String]

    @Option(help: "Output format: text (compiler-style diagnostics), json (schema: docs/schema/moat-lint.v1.json) or sarif (SARIF 2.1.0).")
    var format: Format = .text

    @Flag(name: .shortAndLong, help: "Print only the summary line and errors.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("expected at least one model file") }
    }

    func run() throws {
        var status = ExitStatus.holds
        var runs: [LintRun] = []
        for file in files {
            do {
                let (platform, warnings) = try Platform.load(path: file)
                let findings = Lint.run(platform)
                if Lint.hasErrors(findings) { status = status.worst(.attack) }
                runs.append(LintRun(file: file, platform: platform, diagnostics: warnings, findings: findings))
                if format == .text, !quiet { for w in warnings { printError(w.description) } }
            } catch {
                printError(error.description)
                runs.append(LintRun(file: file, platform: nil, diagnostics: error.diagnostics))
                status = status.worst(.badInput)
            }
        }
        let report = LintReport(toolVersion: Moat.version)
        switch format {
        case .text:
            if quiet {
                print(report.text(runs.map { run in var r = run; r.findings = r.findings.filter { $0.severity == .error }; return r }), terminator: "")
            } else {
                print(report.text(runs), terminator: "")
            }
            print(report.summary(runs))
        case .json: print(report.json(runs))
        case .sarif: print(report.sarif(runs))
        }
        if status != .holds { throw ExitCode(status.rawValue) }
    }
}
