/// What the checker concluded about one property.
public enum Verdict: Hashable, Sendable {
    /// Holds in every reachable state; the certificate was re-checked with fresh queries.
    case proved(Certificate)
    /// An attack: the shortest trace the solver found.
    case attack(Trace)
    /// Neither: a timeout, a resource limit or a bound was hit. The reason says which.
    case unknown(reason: String)

    public var word: String {
        switch self {
        case .proved: "proved"
        case .attack: "attack"
        case .unknown: "unknown"
        }
    }
}

/// Why a proof holds, in terms a developer can act on, and how it was re-checked.
public struct Certificate: Hashable, Sendable {
    /// The method: e.g. "direct reachability: the query is unsatisfiable".
    public var method: String
    /// The configuration facts that block every path (an unsat core, rendered).
    public var blockingFacts: [String]
    /// How many fresh solver queries re-checked it.
    public var recheckQueries: Int

    public init(method: String, blockingFacts: [String], recheckQueries: Int) {
        self.method = method
        self.blockingFacts = blockingFacts
        self.recheckQueries = recheckQueries
    }
}

/// What the concrete machine made of a trace.
public enum Validation: Hashable, Sendable {
    /// The replay reached the goal; the evidence says what was observed (bytes, state changes).
    case confirmed(evidence: [String])
    /// The replay did not do what the trace claimed at step `step` (0-based), for `reason`.
    case refuted(step: Int, reason: String)
}

/// Everything Moat says about one property.
public struct PropertyResult: Hashable, Sendable {
    public var property: Property
    public var verdict: Verdict
    /// The replay's judgement, for attacks.
    public var validation: Validation?
    /// Wall-clock seconds spent on the property.
    public var seconds: Double

    public init(property: Property, verdict: Verdict, validation: Validation? = nil, seconds: Double) {
        self.property = property
        self.verdict = verdict
        self.validation = validation
        self.seconds = seconds
    }
}
