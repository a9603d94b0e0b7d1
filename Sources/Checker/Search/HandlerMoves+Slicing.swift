import Platform
import SMT

/// Slicing of handler queries for callers with many paths (above `Atoms.sliceThreshold`).
///
/// A handler query conjoins the handler's guards, the effect's target and the caller's
/// translation (one disjunct per path). Before that query is built in full:
/// - a constraint that needs the caller to translate to a host range no path of the caller
///   reaches is unsat as it stands (`Query.impossible`), with no solver call;
/// - the same query with every caller- and state-specific part dropped (translations become
///   unconstrained addresses, reachable sets everything) is asked once per handler effect and
///   target. It over-approximates every caller's query, so when it is unsat so is each of them.
/// - before that, the caller-free query is asked once per handler effect for every owned region
///   at once (when the target lies in one): unsat there, it is unsat for each target.
/// All of these only skip queries that would be unsat, so verdicts stay as they were.
extension HandlerMoves {
    struct SlicedKey: Hashable {
        var handler: Int
        var effect: Int
        var label: String
        /// A planting query's fetched ranges, which its caller-free query keeps (nil otherwise).
        var fetched: FetchesKey? = nil
    }

    /// Whether the constraint needs a translation into a host range that no path of the caller reaches.
    func impossible(_ world: World, _ paths: [AccessPath], _ e: HandlerEncoding, _ caller: Principal, _ smm: Bool, _ constraint: (inout Query) -> Term?) -> Bool {
        var probe = Query(owner: self, world: world, callerPaths: paths, encoding: e, caller: caller, inSMM: smm)
        probe.probing = true
        return constraint(&probe) != nil && probe.impossible
    }

    func refutedForEveryCaller(_ key: SlicedKey, condition: Term, _ world: World, encoding e: HandlerEncoding, caller: Principal, smm: Bool,
                               _ constraint: (inout Query) -> Term?) -> Bool
    {
        if let hit = refutedForAnyCaller[key] { return hit }
        var b = Query(owner: self, world: world, callerPaths: [], encoding: e, caller: caller, inSMM: smm)
        b.callerFree = true
        b.batch = pathCache.ownedRegions
        if let c = constraint(&b), let kind = b.batchKind, b.batchCovers {
            let batchKey = SlicedKey(handler: key.handler, effect: key.effect, label: "every owned region: \(kind)", fetched: nil)
            let refuted = refutedForAnyCaller[batchKey] ?? ask(condition && c)
            refutedForAnyCaller[batchKey] = refuted
            if refuted {
                refutedForAnyCaller[key] = true
                return true
            }
        }
        var q = Query(owner: self, world: world, callerPaths: [], encoding: e, caller: caller, inSMM: smm)
        q.callerFree = true
        guard let c = constraint(&q) else {
            refutedForAnyCaller[key] = false
            return false
        }
        let refuted = ask(condition && c)
        refutedForAnyCaller[key] = refuted
        return refuted
    }

    /// Whether `constraint` is unsat (an unknown answer counts as not refuted).
    private func ask(_ constraint: Term) -> Bool {
        solver.push()
        solver.assert(constraint)
        queries += 1
        if let left = budget?.remainingMilliseconds { solver.setTimeout(milliseconds: min(left, options.timeoutMilliseconds ?? left)) }
        let refuted = solver.check().isUnsat
        solver.pop()
        return refuted
    }
}
