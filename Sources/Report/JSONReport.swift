#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform

/// Renders results as JSON for scripts. The shape is versioned by `schemaVersion`.
public struct JSONReport {
    public static let schemaVersion = 1

    public init() {}

    struct Document: Encodable {
        var schemaVersion: Int
        var tool = "moat"
        var models: [ModelEntry]
    }

    struct ModelEntry: Encodable {
        var file: String
        var platform: String
        var properties: [PropertyEntry]
    }

    struct PropertyEntry: Encodable {
        var name: String
        var claim: String
        var attacker: String
        var goal: String
        var target: String?
        var location: String
        var verdict: String
        var seconds: Double
        var reason: String?
        var blockingFacts: [String]?
        var steps: [StepEntry]?
        var replay: String?
    }

    struct StepEntry: Encodable {
        var actor: String
        var action: String
        var access: String
        var address: String
        var hpa: String
        var region: String?
        var text: String
    }

    /// One JSON document covering several models.
    public func render(_ runs: [(platform: Platform, results: [PropertyResult])]) -> String {
        let text = TextReport()
        let document = Document(schemaVersion: Self.schemaVersion, models: runs.map { run in
            ModelEntry(file: run.platform.file, platform: run.platform.name, properties: run.results.map { r in
                var entry = PropertyEntry(name: r.property.name, claim: run.platform.claim(r.property), attacker: run.platform.displayName(r.property.attacker),
                                          goal: r.property.goal.verb, target: r.property.goal.target?.description, location: r.property.location.description,
                                          verdict: r.verdict.word, seconds: (r.seconds * 1e6).rounded() / 1e6)
                switch r.verdict {
                case .proved(let c): entry.blockingFacts = c.blockingFacts
                case .unknown(let reason): entry.reason = reason
                case .attack(let trace):
                    entry.steps = trace.steps.map { step in
                        switch step.action {
                        case .access(let access, let gpa, let hpa, _):
                            StepEntry(actor: run.platform.displayName(step.actor), action: "access", access: access.rawValue, address: hex(gpa), hpa: hex(hpa),
                                      region: run.platform.region(containing: hpa)?.name, text: text.describe(step, platform: run.platform))
                        case .dma(let access, let address, let hpa):
                            StepEntry(actor: run.platform.displayName(step.actor), action: "dma", access: access.rawValue, address: hex(address), hpa: hex(hpa),
                                      region: run.platform.region(containing: hpa)?.name, text: text.describe(step, platform: run.platform))
                        }
                    }
                    switch r.validation {
                    case .confirmed?: entry.replay = "confirmed"
                    case .refuted?: entry.replay = "refuted"
                    case nil: entry.replay = "not-replayed"
                    }
                }
                return entry
            })
        })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(document)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
