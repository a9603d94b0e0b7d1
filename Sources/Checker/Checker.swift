#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform
import SMT

/// Limits on each solver query.
public struct CheckOptions: Sendable {
    /// Wall-clock limit per property, in seconds; past it the verdict is unknown.
    public var timeoutSeconds: Double?
    /// Resident-memory limit, in MiB; past it the verdict is unknown.
    public var memoryLimitMegabytes: Int?
    /// Wall-clock limit per solver query, in milliseconds.
    public var timeoutMilliseconds: UInt32?
    /// Deterministic resource limit per solver query (Z3 `rlimit`).
    public var resourceLimit: UInt32?
    /// Reason over address-range atoms and slice large queries (the default). Off, every path
    /// is encoded as it stands: the straightforward baseline `moat-bench` measures against.
    public var atoms = true

    public init(timeoutSeconds: Double? = nil, memoryLimitMegabytes: Int? = nil, timeoutMilliseconds: UInt32? = nil, resourceLimit: UInt32? = nil) {
        self.timeoutSeconds = timeoutSeconds
        self.memoryLimitMegabytes = memoryLimitMegabytes
        self.timeoutMilliseconds = timeoutMilliseconds
        self.resourceLimit = resourceLimit
    }
}

/// The symbolic side of Moat: encodes a platform into SMT and decides each property.
///
/// This version decides direct reachability: whether the attacker's own EPT (per VTL, with
/// MBEC and VTL protections) or its devices' DMA reaches the target's memory. When the
/// attacker has capabilities that could change the machine, a property without a direct path
/// is reported as unknown, never as proved.
public struct Checker: Sendable {
    public let platform: Platform
    public let options: CheckOptions

    public init(platform: Platform, options: CheckOptions = CheckOptions()) {
        self.platform = platform
        self.options = options
    }

    /// Decides every property of the platform, in order. Solver answers about handlers are shared
    /// between properties (they do not depend on the property); the re-checks use an engine of
    /// their own, so a proof is never re-checked with the answers that produced it.
    public func checkAll() -> [PropertyResult] {
        let engines = try? Engines(platform: platform, options: options)
        return platform.properties.map { check($0, engines: engines) }
    }

    /// Decides one property.
    public func check(_ property: Property) -> PropertyResult {
        check(property, engines: try? Engines(platform: platform, options: options))
    }

    /// The solver engines of one run: one for the searches, one for the re-checks.
    final class Engines {
        let search: HandlerMoves
        let recheck: HandlerMoves
        /// Paths and worlds derived from the configuration; the engines share them, not their answers.
        let paths: PathCache
        /// Saturated states that guests of the same shape may share (re-checked for each question).
        var shared: SharedProofs

        init(platform: Platform, options: CheckOptions) throws(SMTError) {
            paths = PathCache(platform: platform, atoms: options.atoms)
            shared = SharedProofs(platform: platform)
            search = try HandlerMoves(platform: platform, options: options, pathCache: paths)
            recheck = try HandlerMoves(platform: platform, options: options, pathCache: paths)
        }
    }

    private func check(_ property: Property, engines: Engines?) -> PropertyResult {
        let start = ContinuousClock.now
        let verdict: Verdict
        do {
            verdict = try decide(property, engines: engines)
        } catch let error as BudgetExhausted {
            verdict = .unknown(reason: error.reason)
        } catch let error as SMTError {
            verdict = .unknown(reason: "the solver failed: \(error.message)")
        } catch {
            verdict = .unknown(reason: "\(error)")
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return PropertyResult(property: property, verdict: verdict, seconds: seconds)
    }

    private func decide(_ property: Property, engines: Engines?) throws -> Verdict {
        let budget = Budget(options: options)
        if let reason = budget.exhausted() { throw BudgetExhausted(reason: reason + " before the search began") }
        let search = AttackSearch(platform: platform, property: property, options: options, budget: budget)
        // Guests of the same shape share a search (`SharedProofs`); decided once per question.
        let sharing = engines.flatMap { Self.shares(property, search: search, engines: $0, options: options) ? $0 : nil }
        if let sharing, let proof = try sharedProof(property, search: search, engines: sharing, budget: budget) { return proof }
        switch try engines.map({ try search.search(handlers: $0.search) }) ?? search.search() {
        case .attack(let steps, _, _):
            return .attack(Trace(property: property, steps: steps))
        case .unknown(let reason):
            return .unknown(reason: reason)
        case .proved(let saturated, let refutedHandlers, let queries):
            let limitations = Limitations(platform: platform, cache: engines?.paths).reasons(for: property, saturated: saturated)
            if !limitations.isEmpty {
                return .unknown(reason: "no attack found, but " + limitations.joined(separator: "; "))
            }
            // "proved" needs the re-check: a limit reached before it makes the verdict unknown.
            if let reason = budget.exhausted() { throw BudgetExhausted(reason: reason + " before the proof was re-checked") }
            // Re-check the certificate with a fresh engine and fresh solver queries.
            let recheck = try Certificate.recheck(saturated, property: property, platform: platform, options: options, engine: engines?.recheck)
            guard recheck.holds else {
                return .unknown(reason: "the saturated state did not re-check: \(recheck.problem ?? "unknown problem")")
            }
            let verdict = try proof(property, saturated: saturated, origin: nil, refuted: refutedHandlers, queries: queries + recheck.queries, budget: budget, cache: engines?.paths)
            sharing?.shared.record(property, saturated: saturated)
            return verdict
        }
    }

    /// The verdict of a re-checked saturated state: its certificate lists the facts that block the
    /// goal (the explanation), the handler effects refuted, and where the state came from when it is
    /// another guest's (`origin`).
    private func proof(_ property: Property, saturated: AttackState, origin: String?, refuted: [String], queries: Int,
                       budget: Budget, cache: PathCache?) throws -> Verdict {
        if let reason = budget.exhausted() { throw BudgetExhausted(reason: reason + " before the proof was re-checked") }
        var (facts, explanationQueries) = try explanation(property, saturated: saturated, cache: cache)
        facts += refuted
        if World(platform: platform, state: saturated, cache: cache).paths.isEmpty {
            facts.append("note: the attacker has no path to memory at all, so the property holds vacuously")
        }
        let method = "saturation: \(saturated.facts.count) facts closed under every move" + (origin.map { " (\($0))" } ?? "")
        return .proved(Certificate(method: method, blockingFacts: facts, recheckQueries: queries + explanationQueries))
    }

    /// Whether `property` takes part in `SharedProofs`: its attacker has more paths than the
    /// slicing threshold (small models read as before).
    private static func shares(_ property: Property, search: AttackSearch, engines: Engines, options: CheckOptions) -> Bool {
        guard case .vtl = property.attacker else { return false }
        let world = World(platform: search.platform, state: search.initialState(), cache: engines.paths)
        return Atoms.slices(world.paths.count, options)
    }

    /// The proof of `property` from the saturated state of the same question asked by a guest of the
    /// same shape, when the certificate re-check accepts it with the two guests exchanged; nil
    /// otherwise (the question is then searched).
    private func sharedProof(_ property: Property, search: AttackSearch, engines: Engines, budget: Budget) throws -> Verdict? {
        guard case .vtl(let name, _) = property.attacker, let candidate = engines.shared.candidate(for: property), !search.reaches(candidate.state),
            Limitations(platform: platform, cache: engines.paths).reasons(for: property, saturated: candidate.state).isEmpty
        else { return nil }
        if let reason = budget.exhausted() { throw BudgetExhausted(reason: reason + " before the proof was re-checked") }
        let recheck = try Certificate.recheck(candidate.state, property: property, platform: platform, options: options, engine: engines.recheck)
        guard recheck.holds else { return nil }
        return try proof(property, saturated: candidate.state,
                         origin: "the saturated state of '\(candidate.source)' with \(candidate.partition) and \(name) exchanged, re-checked",
                         refuted: recheck.refuted, queries: recheck.queries, budget: budget, cache: engines.paths)
    }

    /// Why the goal is out of reach: the minimal configuration facts that block every path of the
    /// saturated state to the target (an unsat core), or for denial of service the absent means.
    private func explanation(_ property: Property, saturated: AttackState, cache: PathCache?) throws(SMTError) -> ([String], Int) {
        guard property.goal != .dos else {
            var reasons = ["no move shuts the platform down"]
            if !platform.cpu.errata.contains(.msrLoadShutdown) { reasons.append("the CPU does not have the SKL031 MSR-load erratum") }
            if !platform.cpu.errata.contains(.pageSizeChangeMCE) { reasons.append("the CPU does not have the XSA-304 page-size-change erratum") }
            return (reasons, 0)
        }
        let direct = DirectReachability(platform: platform, capabilities: Capabilities(platform: platform, cache: cache), options: options)
        let world = World(platform: platform, state: saturated, cache: cache)
        let outcome = Atoms.slices(world.paths.count + direct.targetRanges(property).count, options)
            ? try direct.searchSliced(property, world: world)
            : try direct.search(property, paths: world.goalPaths(for: property.goal), state: saturated)
        switch outcome {
        case .blocked(let certificate): return (certificate.blockingFacts, certificate.recheckQueries)
        case .attack: return (["the saturated state's direct paths disagree with the search; please report this model"], 1)
        case .unknown(let reason): return (["(the explanation query was not decided: \(reason))"], 1)
        }
    }
}
