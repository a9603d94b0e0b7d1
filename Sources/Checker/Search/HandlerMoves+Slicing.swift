import Platform
import SMT

/// Slicing of handler queries for callers with many paths (above `Atoms.sliceThreshold`).
///
/// A handler query conjoins the handler's guards, the effect's target and the caller's
/// translation (one disjunct per path). Before that query is built in full:
/// - a constraint that needs the caller to translate to a host range no path of the caller
///   reaches is unsat as it stands (`Query.impossible`), found with no solver call and without
///   building it (`unreachable`);
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

    /// Whether the query needs the caller to translate an operand into host addresses that no path
    /// of the caller reaches (`needs`: the operand and those addresses). The query's constraint
    /// confines that operand's translation to them first (`Query.translates(within:)`), so it
    /// would be unsat as built (`Query.impossible`); this finds out without building it.
    func unreachable(_ needs: (HandlerEncoding.Place, IntervalSet)?, caller: Principal, smm: Bool, _ world: World) -> Bool {
        // Only SMM takes `guest` operands as physical; host operands need no translation.
        guard let (place, addresses) = needs, !smm, case .guest = place else { return false }
        return world.core.hostSet(of: caller).lowest(in: addresses) == nil
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
