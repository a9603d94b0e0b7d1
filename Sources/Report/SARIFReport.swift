import Platform

/// Renders `moat check` results as SARIF 2.1.0, for code-scanning viewers: one result per
/// property under a rule per goal kind, located at the property in the model file, with
/// the attack's steps as a code flow.
///
/// Levels: an attack is an `error`; an unknown verdict is a `warning` (the property could
/// not be established; SARIF's `open` kind would force level `none` and hide it); a proved
/// property is kind `pass` with level `none`, as SARIF §3.27.9 requires of any kind but `fail`.
public struct SARIFReport {
    public var toolVersion: String
    public var timings: Bool

    public init(toolVersion: String = "0.0.0", timings: Bool = true) {
        self.toolVersion = toolVersion
        self.timings = timings
    }

    /// The rule of each goal kind, in `ruleIndex` order.
    public static let goalRules: [(id: String, goal: String, name: String, summary: String)] = [
        ("MOAT-READ", "read", "Confidentiality", "An attacker can read memory it must not read."),
        ("MOAT-WRITE", "write", "Integrity", "An attacker can change memory it must not change."),
        ("MOAT-EXEC", "exec", "CodeExecution", "An attacker can make a principal execute code the attacker wrote (or, against itself under HVCI, run self-written kernel code)."),
        ("MOAT-DOS", "dos", "DenialOfService", "An attacker can shut the platform down or hang it."),
    ]

    /// The rule id of a goal: `MOAT-READ`, `MOAT-WRITE`, `MOAT-EXEC` or `MOAT-DOS`.
    public static func ruleID(of goal: Goal) -> String {
        goalRules.first { $0.goal == goal.verb }!.id
    }

    /// One SARIF log with one run covering every model.
    public func render(_ runs: [ModelRun]) -> String {
        let files = runs.map(\.file)
        var results: [SARIF.Result] = []
        var notifications: [SARIF.Notification] = []
        for run in runs {
            notifications += run.diagnostics.map { Self.notification($0, files: files) }
            guard let platform = run.platform else { continue }
            results += run.results.map { result($0, platform: platform, files: files) }
        }
        let rules = Self.goalRules.map { rule in
            SARIF.Rule(
                id: rule.id, name: rule.name, shortDescription: .init(text: rule.summary),
                fullDescription: .init(text: "\(rule.summary) Moat proves the property for every reachable state, or reports the shortest attack; a property it cannot decide is reported as a warning with the reason."),
                help: .init(text: "Each result is one `property` of the model (or a standard question). An error carries the attack's steps as a code flow; fix the configuration fact the steps rely on and run `moat check` again."),
                defaultConfiguration: .init(level: "error"), properties: .init(tags: ["security", "isolation", rule.goal]))
        }
        let log = SARIF.Log(runs: [
            SARIF.Run(
                tool: .init(driver: .init(fullName: "Moat, a model checker for hypervisor isolation on Intel VT-x", version: toolVersion,
                                          semanticVersion: toolVersion, rules: rules)),
                invocations: [.init(executionSuccessful: runs.allSatisfy(\.isValid), toolExecutionNotifications: notifications.isEmpty ? nil : notifications)],
                artifacts: files.map { .init(location: .init(uri: SARIF.uri(forPath: $0))) },
                results: results)
        ])
        return JSONReport.encode(log)
    }

    private func result(_ r: PropertyResult, platform: Platform, files: [String]) -> SARIF.Result {
        let id = Self.ruleID(of: r.property.goal)
        let claim = platform.claim(r.property)
        let named = r.property.isStandard ? "" : " (property \"\(r.property.name)\")"
        var properties = SARIF.ResultProperties(
            property: r.property.name, claim: claim, verdict: r.verdict.word, attacker: platform.displayName(r.property.attacker),
            seconds: timings ? (r.seconds * 1e6).rounded() / 1e6 : nil)
        var result = SARIF.Result(
            ruleId: id, ruleIndex: Self.goalRules.firstIndex { $0.id == id }!, level: "error", message: .init(text: ""),
            locations: [Self.location(r.property.location, files: files)],
            partialFingerprints: ["moatProperty/v1": "\(r.property.location.file)|\(r.property.name)"])
        switch r.verdict {
        case .attack(let trace):
            let replay: String
            switch r.validation {
            case .confirmed?: replay = "confirmed by replay on the concrete machine"
            case .refuted(let step, let reason)?: replay = "REFUTED by the concrete machine at step \(step + 1): \(reason)"
            case nil: replay = "not replayed on the concrete machine"
            }
            let negated = "\(platform.displayName(r.property.attacker)) can \(r.property.goal)"
            result.message = .init(text: "Attack: \(negated)\(named) in \(trace.steps.count) step\(trace.steps.count == 1 ? "" : "s"); \(replay).")
            // Steps have no place in the model of their own; each points at the property.
            let steps = trace.steps.enumerated().map { i, step in
                SARIF.ThreadFlowLocation(
                    location: Self.location(r.property.location, files: files, message: "\(i + 1). \(TextReport().describe(step, platform: platform))"),
                    executionOrder: i + 1)
            }
            result.codeFlows = [.init(message: .init(text: "The shortest attack on \"\(r.property.name)\""), threadFlows: [.init(locations: steps)])]
            properties.attackLength = trace.steps.count
            properties.replay = r.validation.map { if case .confirmed = $0 { "confirmed" } else { "refuted" } } ?? "not-replayed"
        case .proved(let certificate):
            result.kind = "pass"
            result.level = "none"
            result.message = .init(text: "Proved: \(claim)\(named) holds in every reachable state.")
            properties.blockingFacts = certificate.blockingFacts
            properties.certificate = certificate.method
            properties.recheckQueries = certificate.recheckQueries
        case .unknown(let reason):
            result.level = "warning"
            result.message = .init(text: "Unknown: \(claim)\(named) was neither proved nor attacked: \(reason)")
            properties.reason = reason
        }
        result.properties = properties
        return result
    }

    /// The place in a model file; no region for generated locations (line 0).
    static func location(_ location: SourceLocation, files: [String], message: String? = nil) -> SARIF.Location {
        let artifact = SARIF.ArtifactLocation(uri: SARIF.uri(forPath: location.file), index: files.firstIndex(of: location.file))
        let region = location.line > 0 ? SARIF.Region(startLine: location.line, startColumn: max(1, location.column)) : nil
        return SARIF.Location(physicalLocation: .init(artifactLocation: artifact, region: region), message: message.map { .init(text: $0) })
    }

    static func notification(_ diagnostic: Diagnostic, files: [String]) -> SARIF.Notification {
        SARIF.Notification(level: diagnostic.severity.rawValue, message: .init(text: diagnostic.message), locations: [location(diagnostic.location, files: files)])
    }
}
