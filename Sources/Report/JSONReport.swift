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
        var text: String
        var access: String?
        var address: String?
        var hpa: String?
        var region: String?
        var target: String?
        var permissions: String?
        var number: String?
        var arguments: [String]?
        var port: String?
        var index: String?
        var value: String?
        var size: Int?
        var write: Bool?

        init(_ step: Step, platform: Platform) {
            actor = platform.displayName(step.actor)
            text = TextReport().describe(step, platform: platform)
            switch step.action {
            case .access(let a, let gpa, let h, _):
                action = "access"; access = a.rawValue; address = hex(gpa); hpa = hex(h)
            case .dma(let a, let bus, let h):
                action = "dma"; access = a.rawValue; address = hex(bus); hpa = hex(h)
            case .store(let gpa, let h, let v):
                action = "store"; address = hex(gpa); hpa = hex(h); value = hex(v)
            case .remap(let t, let gpa, let h, let rights):
                action = "remap"; target = platform.displayName(t); address = hex(gpa); hpa = hex(h); permissions = rights.description
            case .hypercall(let n, let args):
                action = "hypercall"; number = hex(n); arguments = args.map(hex)
            case .io(let p, let s, let v, let w):
                action = "io"; port = hex(UInt64(p)); size = Int(s); value = hex(v); write = w
            case .msr(let i, let v, let w):
                action = "msr"; index = hex(UInt64(i)); value = hex(v); write = w
            case .cpuid(let leaf, let subleaf):
                action = "cpuid"; index = hex(UInt64(leaf)); value = hex(UInt64(subleaf))
            case .mmio(let gpa, let s, let v, let w):
                action = "mmio"; address = hex(gpa); size = Int(s); value = hex(v); write = w
            case .smi(let n, let args):
                action = "smi"; number = hex(UInt64(n)); arguments = args.map(hex)
            case .vmfunc(let i):
                action = "vmfunc"; index = String(i)
            case .vmwrite(let f, let v):
                action = "vmwrite"; index = hex(UInt64(f)); value = hex(v)
            case .reenter:
                action = "reenter"
            case .flipPageSize(let gpa):
                action = "flip-page-size"; address = hex(gpa)
            }
            if let h = hpa.flatMap({ UInt64($0.dropFirst(2), radix: 16) }) { region = platform.region(containing: h)?.name }
        }
    }

    /// One JSON document covering several models.
    public func render(_ runs: [(platform: Platform, results: [PropertyResult])]) -> String {
        let document = Document(schemaVersion: Self.schemaVersion, models: runs.map { run in
            ModelEntry(file: run.platform.file, platform: run.platform.name, properties: run.results.map { r in
                var entry = PropertyEntry(name: r.property.name, claim: run.platform.claim(r.property), attacker: run.platform.displayName(r.property.attacker),
                                          goal: r.property.goal.verb, target: r.property.goal.target?.description, location: r.property.location.description,
                                          verdict: r.verdict.word, seconds: (r.seconds * 1e6).rounded() / 1e6)
                switch r.verdict {
                case .proved(let c): entry.blockingFacts = c.blockingFacts
                case .unknown(let reason): entry.reason = reason
                case .attack(let trace):
                    entry.steps = trace.steps.map { StepEntry($0, platform: run.platform) }
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
