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

    /// Decides every property of the platform, in order.
    public func checkAll() -> [PropertyResult] {
        platform.properties.map(check)
    }

    /// Decides one property.
    public func check(_ property: Property) -> PropertyResult {
        let start = ContinuousClock.now
        let verdict: Verdict
        do {
            verdict = try decide(property)
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

    private func decide(_ property: Property) throws -> Verdict {
        let budget = Budget(options: options)
        if let reason = budget.exhausted() { throw BudgetExhausted(reason: reason + " before the search began") }
        let search = AttackSearch(platform: platform, property: property, options: options, budget: budget)
        switch try search.search() {
        case .attack(let steps, _, _):
            return .attack(Trace(property: property, steps: steps))
        case .unknown(let reason):
            return .unknown(reason: reason)
        case .proved(let saturated, let refutedHandlers, let queries):
            let limitations = Limitations(platform: platform).reasons(for: property, saturated: saturated)
            if !limitations.isEmpty {
                return .unknown(reason: "no attack found, but " + limitations.joined(separator: "; "))
            }
            // "proved" needs the re-check: a limit reached before it makes the verdict unknown.
            if let reason = budget.exhausted() { throw BudgetExhausted(reason: reason + " before the proof was re-checked") }
            // Re-check the certificate with a fresh engine and fresh solver queries.
            let recheck = try Certificate.recheck(saturated, property: property, platform: platform, options: options)
            guard recheck.holds else {
                return .unknown(reason: "the saturated state did not re-check: \(recheck.problem ?? "unknown problem")")
            }
            if let reason = budget.exhausted() { throw BudgetExhausted(reason: reason + " before the proof was re-checked") }
            var (facts, explanationQueries) = try explanation(property, saturated: saturated)
            facts += refutedHandlers
            if World(platform: platform, state: saturated).paths.isEmpty {
                facts.append("note: the attacker has no path to memory at all, so the property holds vacuously")
            }
            return .proved(Certificate(method: "saturation: \(saturated.facts.count) facts closed under every move", blockingFacts: facts,
                                       recheckQueries: queries + recheck.queries + explanationQueries))
        }
    }

    /// Why the goal is out of reach: the minimal configuration facts that block every path of the
    /// saturated state to the target (an unsat core), or for denial of service the absent means.
    private func explanation(_ property: Property, saturated: AttackState) throws(SMTError) -> ([String], Int) {
        guard property.goal != .dos else {
            var reasons = ["no move shuts the platform down"]
            if !platform.cpu.errata.contains(.msrLoadShutdown) { reasons.append("the CPU does not have the SKL031 MSR-load erratum") }
            if !platform.cpu.errata.contains(.pageSizeChangeMCE) { reasons.append("the CPU does not have the XSA-304 page-size-change erratum") }
            return (reasons, 0)
        }
        let direct = DirectReachability(platform: platform, capabilities: Capabilities(platform: platform), options: options)
        // Pages handed over by the hypervisor hold nothing of their old owner once scrubbed, and
        // writing them no longer touches the old owner: only stale pages count, and only for reading.
        let paths = World(platform: platform, state: saturated).paths.filter { path in
            switch path.handoff {
            case nil: true
            case .scrubbed: false
            case .stale: property.goal.verb == "read"
            }
        }
        switch try direct.search(property, paths: paths, state: saturated) {
        case .blocked(let certificate): return (certificate.blockingFacts, certificate.recheckQueries)
        case .attack: return (["the saturated state's direct paths disagree with the search; please report this model"], 1)
        case .unknown(let reason): return (["(the explanation query was not decided: \(reason))"], 1)
        }
    }
}
