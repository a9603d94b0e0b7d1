import Platform

/// What the checker derives from the configuration and reuses across attack states and
/// properties: each principal's paths (as atoms), the host ranges each principal executes, and
/// the worlds of the attack states seen so far.
///
/// It holds no solver answers: the search and the re-check engines may share it, and the
/// re-check still asks its own solver every question its proof rests on.
final class PathCache {
    let platform: Platform
    /// Whether paths are merged into atoms (`CheckOptions.atoms`).
    let atoms: Bool
    private var cpu: [Principal: [AccessPath]] = [:]
    private var executable: [Target: (ranges: [TargetRange], set: IntervalSet)] = [:]
    private var cores: [AttackState: World.Core] = [:]

    /// Every host-physical address of a region with an owner: where standard questions look.
    private(set) lazy var ownedRegions = IntervalSet(platform.regions.filter { $0.owner != nil }.map { $0.base..<$0.end })
    /// Where the tables built in declared regions lie (the entries a remap rewrites), built once.
    private(set) lazy var tableLayouts = EPTTableLayout.layouts(of: platform)
    private var attackerData: [Principal: AttackerData] = [:]

    /// Where `attacker`'s own data lies from the start, built once per attacker.
    func data(of attacker: Principal) -> AttackerData {
        if let hit = attackerData[attacker] { return hit }
        let data = AttackerData(platform: platform, attacker: attacker)
        attackerData[attacker] = data
        return data
    }

    init(platform: Platform, atoms: Bool = true) {
        self.platform = platform
        self.atoms = atoms
    }

    func cpuPaths(of principal: Principal, compute: () -> [AccessPath]) -> [AccessPath] {
        if let hit = cpu[principal] { return hit }
        let paths = compute()
        cpu[principal] = paths
        return paths
    }

    func executable(by target: Target, compute: () -> [TargetRange]) -> (ranges: [TargetRange], set: IntervalSet) {
        if let hit = executable[target] { return hit }
        let ranges = compute()
        let entry = (ranges, IntervalSet(ranges.map { $0.base..<($0.base &+ $0.size) }))
        executable[target] = entry
        return entry
    }

    /// The world core of a state: built once for the facts that paths depend on.
    func core(for state: AttackState, capabilities: Capabilities) -> World.Core {
        let key = World.Core.key(of: state)
        if let hit = cores[key] { return hit }
        let core = World.Core(platform: platform, state: key, capabilities: capabilities, id: cores.count)
        cores[key] = core
        return core
    }
}
