import Platform

/// Guests of the same shape share one search. When two guests differ only in their names, the
/// memory they own and the devices assigned to them, a question one of them asks about a third
/// party (the hypervisor, SMM, another guest) has the same saturated state as the other's, with
/// the two exchanged. So the first such question is searched; for the others the exchanged
/// saturated state is only a candidate, which the certificate re-check accepts or not
/// (`Certificate.recheck`: it contains the initial state, no move adds a fact, the goal is not
/// met — a complete proof on its own). A candidate that does not fit costs that re-check, and the
/// question is then searched as usual; nothing is assumed about the guests being alike.
///
/// Only questions whose attacker has more paths than the slicing threshold take part, so small
/// models' certificates read as before (as with slicing, `Atoms.slices`).
struct SharedProofs {
    let platform: Platform
    /// What decides whether two guests have the same shape, and which question they share.
    struct Key: Hashable {
        var shape: String
        var level: Int
        var verb: String
        var target: Target?
    }
    /// The first proof of each key: the question, its attacker's partition and saturated state.
    private var proofs: [Key: (property: String, partition: String, saturated: AttackState)] = [:]

    init(platform: Platform) {
        self.platform = platform
    }

    /// A candidate saturated state for `property`, from a proof of the same question by a guest
    /// of the same shape, with the two guests exchanged; nil when there is none.
    func candidate(for property: Property) -> (source: String, partition: String, state: AttackState)? {
        guard let (key, partition) = key(of: property), let proof = proofs[key], proof.partition != partition,
            !involves(property.goal, proof.partition),
            let state = exchange(proof.saturated, proof.partition, partition)
        else { return nil }
        return (proof.property, proof.partition, state)
    }

    /// Keeps the first proof of each key.
    mutating func record(_ property: Property, saturated: AttackState) {
        guard let (key, partition) = key(of: property), proofs[key] == nil else { return }
        proofs[key] = (property.name, partition, saturated)
    }

    private func key(of property: Property) -> (Key, String)? {
        guard case .vtl(let name, let level) = property.attacker, let partition = platform.partition(named: name),
            !involves(property.goal, name)
        else { return nil }
        let shape = "\(partition.kind)|\(partition.vtls.map(\.level))|\(devices(of: name).count)|\(owned(by: name).count)"
        return (Key(shape: shape, level: level, verb: property.goal.verb, target: property.goal.target), name)
    }

    /// Whether the goal is about `partition` itself: its contexts, its devices or its memory.
    private func involves(_ goal: Goal, _ partition: String) -> Bool {
        guard let target = goal.target else { return false }
        switch target {
        case .partition(let name): return name == partition
        case .principal(let p): return belongs(p, to: partition)
        case .region(let name): return platform.region(named: name)?.owner.map { belongs($0, to: partition) } ?? false
        }
    }

    private func belongs(_ principal: Principal, to partition: String) -> Bool {
        switch principal {
        case .vtl(let name, _): name == partition
        case .device(let name): platform.device(named: name)?.assignedTo.partition == partition
        case .hypervisor, .smm: false
        }
    }

    private func devices(of partition: String) -> [String] {
        platform.devices.filter { $0.assignedTo.partition == partition }.map(\.name).sorted()
    }

    private func owned(by partition: String) -> [String] {
        platform.regions.filter { $0.owner.map { belongs($0, to: partition) } ?? false }.map(\.name)
    }

    /// `state` with partitions `a` and `b` exchanged: their VTLs, their devices (in name order) and
    /// the regions they own (in address order). Nil for facts this does not rename (added
    /// mappings, switched EPTs, lifted protections, opened ports): those states are searched.
    func exchange(_ state: AttackState, _ a: String, _ b: String) -> AttackState? {
        guard state.extra.isEmpty, state.switched.isEmpty, state.eptOff.isEmpty, state.ioPass.isEmpty,
            state.msrPass.isEmpty, state.unprotected.isEmpty
        else { return nil }
        let devicesA = devices(of: a), devicesB = devices(of: b)
        let regionsA = owned(by: a), regionsB = owned(by: b)
        guard devicesA.count == devicesB.count, regionsA.count == regionsB.count else { return nil }
        var deviceSwap: [String: String] = [:]
        for (x, y) in zip(devicesA, devicesB) { deviceSwap[x] = y; deviceSwap[y] = x }
        var regionSwap: [String: String] = [:]
        for (x, y) in zip(regionsA, regionsB) { regionSwap[x] = y; regionSwap[y] = x }
        func swap(_ p: Principal) -> Principal {
            switch p {
            case .vtl(let name, let level) where name == a: .vtl(partition: b, level: level)
            case .vtl(let name, let level) where name == b: .vtl(partition: a, level: level)
            case .device(let name): .device(deviceSwap[name] ?? name)
            default: p
            }
        }
        var result = state
        result.controls = Set(state.controls.map(swap))
        result.injected = Set(state.injected.map(swap))
        result.read = Set(state.read.map { regionSwap[$0] ?? $0 })
        result.written = Set(state.written.map { regionSwap[$0] ?? $0 })
        return result
    }
}
