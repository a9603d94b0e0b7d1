import Platform
import SMT

extension DirectReachability {
    /// The direct-reachability question sliced to the paths whose host range meets a target range
    /// (found through the world's index, not by a scan). The others cannot reach the target
    /// whatever their rights or SMRAM's guards, which interval arithmetic shows; they are named in
    /// one summary fact. With no path left the answer needs no solver; otherwise the solver is asked
    /// about the remaining paths only, and its unsat core is explained as before.
    func searchSliced(_ property: Property, world: World) throws(SMTError) -> Outcome {
        let targets = targetRanges(property)
        var touching = Set<Int>()
        // Most questions end here: no host range of any path meets any target range.
        let targetSet = IntervalSet(targets.map { $0.base..<($0.base &+ $0.size) })
        let meets = world.core.hosts.lowest(in: targetSet) != nil
        for target in targets where meets && target.size > 0 {
            for i in world.core.index.candidates(overlapping: target.base..<(target.base &+ target.size))
            where World.counts(world.paths[i], towards: property.goal) {
                touching.insert(i)
            }
        }
        let others = world.paths.count - touching.count
        let summary = "the attacker's other \(others) path\(others == 1 ? "" : "s") (address-range atoms) reach no host-physical address of the target's \(targets.count) range\(targets.count == 1 ? "" : "s")"
        guard !touching.isEmpty else {
            let facts = [summary] + targets.prefix(8).map { "\($0.fact) (\($0.location))" }
            return .blocked(Certificate(method: "direct reachability: no address of the attacker's translations reaches the target",
                                        blockingFacts: facts, recheckQueries: 0))
        }
        let paths = touching.sorted().map { world.paths[$0] }
        let hosts = IntervalSet(paths.map { $0.hpa..<($0.hpa &+ $0.size) })
        var sliced = self
        sliced.targets = targets.filter { hosts.lowest(in: $0.base..<($0.base &+ $0.size)) != nil }
        let outcome = try sliced.search(property, paths: paths, state: world.state)
        guard case .blocked(var certificate) = outcome else { return outcome }
        certificate.blockingFacts.insert(summary, at: 0)
        return .blocked(certificate)
    }
}
