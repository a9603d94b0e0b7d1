import Platform

/// The findings of `moat lint` for one model file, or the diagnostics that stopped it loading.
public struct LintRun: Sendable {
    public var file: String
    public var platform: Platform?
    /// Warnings of a model that loaded, or every diagnostic of one that did not.
    public var diagnostics: [Diagnostic]
    public var findings: [LintFinding]

    public init(file: String, platform: Platform?, diagnostics: [Diagnostic] = [], findings: [LintFinding] = []) {
        self.file = file
        self.platform = platform
        self.diagnostics = diagnostics
        self.findings = findings
    }
}

/// Renders lint findings: compiler-style text, JSON (docs/schema/moat-lint.v1.json) or SARIF 2.1.0.
public struct LintReport {
    public var toolVersion: String

    public init(toolVersion: String = "0.0.0") {
        self.toolVersion = toolVersion
    }

    /// `file:line:column: severity: message [MOAT-Lnnn]`, one finding a line, in source order.
    public func text(_ runs: [LintRun]) -> String {
        runs.flatMap { $0.findings.map(\.description) }.map { $0 + "\n" }.joined()
    }

    /// `N findings: a errors, b warnings, c notes in M files`.
    public func summary(_ runs: [LintRun]) -> String {
        let findings = runs.flatMap(\.findings)
        let counts = Counts(findings)
        func n(_ k: Int, _ noun: String) -> String { "\(k) \(noun)\(k == 1 ? "" : "s")" }
        return "\(n(findings.count, "finding")): \(n(counts.errors, "error")), \(n(counts.warnings, "warning")), \(n(counts.notes, "note")) in \(n(runs.count, "file"))"
    }

    struct Counts: Encodable {
        var findings = 0
        var errors = 0
        var warnings = 0
        var notes = 0

        init(_ findings: [LintFinding]) {
            self.findings = findings.count
            for f in findings {
                switch f.severity {
                case .error: errors += 1
                case .warning: warnings += 1
                case .note: notes += 1
                }
            }
        }
    }

    struct Document: Encodable {
        var schemaVersion = 1
        var tool = "moat"
        var command = "lint"
        var toolVersion: String
        var summary: Counts
        var rules: [RuleEntry]
        var models: [ModelEntry]
    }

    struct RuleEntry: Encodable {
        var id: String
        var name: String
        var severity: String
        var summary: String
        var help: String
    }

    struct ModelEntry: Encodable {
        var file: String
        var status: String
        var platform: String?
        var diagnostics: [DiagnosticEntry]
        var findings: [FindingEntry]
    }

    struct FindingEntry: Encodable {
        var ruleId: String
        var rule: String
        var severity: String
        var message: String
        var location: LocationEntry
    }

    /// One JSON document for every file.
    public func json(_ runs: [LintRun]) -> String {
        let document = Document(
            toolVersion: toolVersion, summary: Counts(runs.flatMap(\.findings)),
            rules: LintRule.all.map { RuleEntry(id: $0.id, name: $0.name, severity: $0.severity.rawValue, summary: $0.summary, help: $0.help) },
            models: runs.map { run in
                ModelEntry(
                    file: run.file, status: run.platform == nil ? "invalid" : "linted", platform: run.platform?.name,
                    diagnostics: run.diagnostics.map(DiagnosticEntry.init),
                    findings: run.findings.map {
                        FindingEntry(ruleId: $0.rule.id, rule: $0.rule.name, severity: $0.severity.rawValue, message: $0.message, location: LocationEntry($0.location))
                    })
            })
        return JSONReport.encode(document)
    }

    /// One SARIF log: a rule per lint rule, a result per finding at its model location.
    public func sarif(_ runs: [LintRun]) -> String {
        let files = runs.map(\.file)
        let rules = LintRule.all.map { rule in
            SARIF.Rule(id: rule.id, name: rule.name, shortDescription: .init(text: rule.summary), fullDescription: .init(text: rule.summary + " " + rule.help),
                       help: .init(text: rule.help), defaultConfiguration: .init(level: rule.severity.rawValue), properties: .init(tags: ["security", "configuration"]))
        }
        let results = runs.flatMap(\.findings).map { finding in
            SARIF.Result(ruleId: finding.rule.id, ruleIndex: LintRule.all.firstIndex(of: finding.rule) ?? 0, level: finding.severity.rawValue,
                         message: .init(text: finding.message), locations: [SARIFReport.location(finding.location, files: files)],
                         partialFingerprints: ["moatLint/v1": "\(finding.location.file)|\(finding.rule.id)|\(finding.message)"])
        }
        let notifications = runs.flatMap(\.diagnostics).map { SARIFReport.notification($0, files: files) }
        let log = SARIF.Log(runs: [
            SARIF.Run(
                tool: .init(driver: .init(fullName: "Moat lint: configuration checks for hypervisor isolation", version: toolVersion,
                                          semanticVersion: toolVersion, rules: rules)),
                invocations: [.init(executionSuccessful: runs.allSatisfy { $0.platform != nil }, toolExecutionNotifications: notifications.isEmpty ? nil : notifications)],
                artifacts: files.map { .init(location: .init(uri: SARIF.uri(forPath: $0))) },
                results: results)
        ])
        return JSONReport.encode(log)
    }
}
