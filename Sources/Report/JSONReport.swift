#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform

/// Renders results as JSON for scripts. The shape is versioned by `schemaVersion` and
/// described by the JSON Schema `docs/schema/moat-report.v1.json`.
public struct JSONReport {
    /// The version of the document's shape; a change that breaks a reader bumps it.
    public static let schemaVersion = 1

    /// The `moat` version written into the document.
    public var toolVersion: String
    /// Whether each property carries the seconds it took (off for reproducible output).
    public var timings: Bool

    public init(toolVersion: String = "unknown", timings: Bool = true) {
        self.toolVersion = toolVersion
        self.timings = timings
    }

    struct Document: Encodable {
        var schemaVersion: Int
        var tool = "moat"
        var toolVersion: String
        var summary: VerdictCounts
        var models: [ModelEntry]
    }

    struct ModelEntry: Encodable {
        var file: String
        var status: String
        var platform: String?
        var diagnostics: [DiagnosticEntry]
        var summary: VerdictCounts
        var properties: [PropertyEntry]
    }

    struct PropertyEntry: Encodable {
        var name: String
        var claim: String
        var standard: Bool
        var attacker: String
        var goal: String
        var target: String?
        var location: LocationEntry
        var verdict: String
        var seconds: Double?
        var reason: String?
        var blockingFacts: [String]?
        var certificate: CertificateEntry?
        var attackLength: Int?
        var steps: [StepEntry]?
        var replay: ReplayEntry?
    }

    struct CertificateEntry: Encodable {
        var method: String
        var recheckQueries: Int
    }

    struct ReplayEntry: Encodable {
        var status: String
        var evidence: [String]?
        var step: Int?
        var reason: String?
    }

    /// One JSON document covering several models.
    public func render(_ runs: [ModelRun]) -> String {
        let document = Document(
            schemaVersion: Self.schemaVersion, toolVersion: toolVersion, summary: VerdictCounts(runs.flatMap(\.results)),
            models: runs.map(entry))
        return Self.encode(document)
    }

    /// Pretty, key-sorted JSON: stable enough to diff and to keep as a golden file.
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// One compact line of JSON (for JSON Lines output).
    static func encodeLine(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private func entry(_ run: ModelRun) -> ModelEntry {
        ModelEntry(
            file: run.file, status: run.isValid ? "checked" : "invalid", platform: run.platform?.name,
            diagnostics: run.diagnostics.map(DiagnosticEntry.init), summary: VerdictCounts(run.results),
            properties: run.platform.map { platform in run.results.map { entry($0, platform: platform) } } ?? [])
    }

    private func entry(_ r: PropertyResult, platform: Platform) -> PropertyEntry {
        var entry = PropertyEntry(
            name: r.property.name, claim: platform.claim(r.property), standard: r.property.isStandard,
            attacker: platform.displayName(r.property.attacker), goal: r.property.goal.verb,
            target: r.property.goal.target?.description, location: LocationEntry(r.property.location),
            verdict: r.verdict.word, seconds: timings ? (r.seconds * 1e6).rounded() / 1e6 : nil)
        switch r.verdict {
        case .proved(let c):
            entry.blockingFacts = c.blockingFacts
            entry.certificate = CertificateEntry(method: c.method, recheckQueries: c.recheckQueries)
        case .unknown(let reason):
            entry.reason = reason
        case .attack(let trace):
            entry.attackLength = trace.steps.count
            entry.steps = trace.steps.map { StepEntry($0, platform: platform) }
            switch r.validation {
            case .confirmed(let evidence)?: entry.replay = ReplayEntry(status: "confirmed", evidence: evidence)
            case .refuted(let step, let reason)?: entry.replay = ReplayEntry(status: "refuted", step: step + 1, reason: reason)
            case nil: entry.replay = ReplayEntry(status: "not-replayed")
            }
        }
        return entry
    }
}

/// `{file, line, column}` of a place in a model file (line and column 0 for generated ones).
struct LocationEntry: Encodable {
    var file: String
    var line: Int
    var column: Int

    init(_ location: SourceLocation) {
        file = location.file
        line = location.line
        column = location.column
    }
}

/// A diagnostic: severity, message and location.
struct DiagnosticEntry: Encodable {
    var severity: String
    var message: String
    var location: LocationEntry

    init(_ diagnostic: Diagnostic) {
        severity = diagnostic.severity.rawValue
        message = diagnostic.message
        location = LocationEntry(diagnostic.location)
    }
}
