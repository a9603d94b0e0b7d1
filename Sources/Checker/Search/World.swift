import Platform

/// The platform as the attacker sees it in one attack state: which contexts it runs code
/// in, how each reaches memory, and where SMRAM's guards stop it.
struct World {
    let platform: Platform
    let state: AttackState
    let capabilities: Capabilities

    /// The paths, reachable sets and indices of this state, shared with equal states through a cache.
    let core: Core
    var paths: [AccessPath] { core.paths }
    var smram: Region? { core.smram }

    init(platform: Platform, state: AttackState, cache: PathCache? = nil) {
        self.platform = platform
        self.state = state
        self.capabilities = Capabilities(platform: platform, cache: cache)
        self.core = cache?.core(for: state, capabilities: capabilities)
            ?? Core(platform: platform, state: Core.key(of: state), capabilities: capabilities, id: -1)
    }

    /// The paths that count towards a goal: pages handed over by the hypervisor hold nothing of
    /// their old owner once scrubbed, and writing them no longer touches the old owner, so only
    /// stale pages count, and only for reading.
    func goalPaths(for goal: Goal) -> [AccessPath] {
        paths.filter { World.counts($0, towards: goal) }
    }

    static func counts(_ path: AccessPath, towards goal: Goal) -> Bool {
        switch path.handoff {
        case nil: true
        case .scrubbed: false
        case .stale: goal.verb == "read"
        }
    }

    /// The paths of one context in this state.
    func paths(of context: Principal) -> [AccessPath] {
        if let cached = core.pathsByContext[context] { return cached }
        return Partial(platform: platform, state: state, capabilities: capabilities).paths(of: context)
    }

    /// All host-physical addresses the attacker reaches with a right.
    func reachable(_ right: Permissions) -> IntervalSet {
        if right == .read { return core.readable }
        if right == .write { return core.writable }
        var set = IntervalSet()
        for path in paths where path.handoff != .scrubbed {
            for r in reach(path, right).intervals { set.insert(r) }
        }
        return set
    }

    func reach(_ path: AccessPath, _ right: Permissions) -> IntervalSet {
        Guards(platform: platform, state: state, smram: smram).reach(path, right)
    }

    func smramAllows(_ path: AccessPath, _ right: Permissions, _ smm: SMM) -> Bool {
        Guards(platform: platform, state: state, smram: smram).smramAllows(path, right, smm)
    }
}

extension World {
    /// SMRAM's guards on one path (DOMAIN.md §5.1–5.2).
    struct Guards {
        let platform: Platform
        let state: AttackState
        let smram: Region?

        /// The host-physical addresses a path reaches with a right, after SMRAM's guards.
        func reach(_ path: AccessPath, _ right: Permissions) -> IntervalSet {
            guard !path.rights.isDisjoint(with: right), path.size > 0 else { return IntervalSet() }
            var set = IntervalSet([path.hpa..<(path.hpa &+ path.size)])
            if let smram, path.actor != .smm, let smm = platform.smm, !smramAllows(path, right, smm) {
                set = set.subtracting(smram.base..<smram.end)
            }
            return set
        }

        /// Whether an access through this path may touch SMRAM.
        func smramAllows(_ path: AccessPath, _ right: Permissions, _ smm: SMM) -> Bool {
            if path.medium.isDMA { return !smm.tsegDMAProtection }
            if smm.smrr { return false }
            let open = (smm.open && !smm.locked) || state.smramOpen
            return open || (state.smramCached && right.contains(.write))
        }
    }

    /// Path construction, before the world caches it.
    struct Partial {
        let platform: Platform
        let state: AttackState
        let capabilities: Capabilities

    func paths(of context: Principal) -> [AccessPath] {
        let limit = capabilities.physicalLimit
        switch context {
        case .hypervisor, .smm:
            return capabilities.paths(of: context)
        case .device(let name):
            guard let device = platform.device(named: name) else { return [] }
            var result = capabilities.dmaPaths(device)
            result += extraPaths(of: context, medium: .dma(name))
            return result
        case .vtl:
            guard let vtl = platform.vtl(of: context) else { return [] }
            if state.eptOff.contains(context) || !vtl.vmcs.eptEnabled {
                return [AccessPath(medium: .physical(context), base: 0, size: limit, hpa: 0, rights: [.read, .write, .execute, .userExecute],
                                   fact: "\(platform.displayName(context)) runs without EPT, so guest-physical is host-physical", location: vtl.vmcs.location)]
            }
            var result = state.unprotected.contains(context) ? unprotectedPaths(of: context) : capabilities.cpuPaths(of: context)
            result += extraPaths(of: context, medium: .ept(context))
            // VMFUNC leaf 0: the EPTP list lets the context translate through other VTLs' EPTs.
            if vtl.vmcs.vmfuncEnabled, let list = vtl.vmcs.vmfunc {
                for (index, entry) in list.entries.enumerated() where entry != context {
                    for var path in capabilities.cpuPaths(of: entry) + extraPaths(of: entry, medium: .ept(context)) {
                        path.medium = .ept(context)
                        path.prefix = [Step(actor: context, action: .vmfunc(index: UInt32(index)))]
                        path.through = entry
                        path.fact = "VMFUNC to EPTP-list entry \(index) (\(platform.displayName(entry))): " + path.fact
                        result.append(path)
                    }
                }
            }
            for pair in state.switched where pair[0] == context {
                for var path in capabilities.cpuPaths(of: pair[1]) {
                    path.medium = .ept(context)
                    path.through = pair[1]
                    path.fact = "through \(platform.displayName(pair[1]))'s EPT: " + path.fact
                    result.append(path)
                }
            }
            return result
        }
    }

    private func unprotectedPaths(of context: Principal) -> [AccessPath] {
        guard let vtl = platform.vtl(of: context) else { return [] }
        return vtl.mappings.map { m in
            AccessPath(medium: .ept(context), base: m.gpa, size: m.size, hpa: m.hpa,
                       rights: vtl.vmcs.mbecEnabled ? m.permissions : m.permissions.subtracting(.userExecute),
                       fact: "\(platform.displayName(context)) maps [\(hex(m.gpa)), \(hex(m.gpaEnd))) with \(m.permissions), protections lifted", location: m.location)
        }
    }

    private func extraPaths(of principal: Principal, medium: AccessPath.Medium) -> [AccessPath] {
        state.extra.filter { $0.principal == principal }.sorted { ($0.gpa, $0.hpa) < ($1.gpa, $1.hpa) }.map { e in
            var path = AccessPath(medium: medium, base: e.gpa, size: e.size, hpa: e.hpa, rights: e.rights,
                                  fact: "\(platform.displayName(principal)) was made to map [\(hex(e.gpa)), \(hex(e.gpa &+ e.size))) to \(hex(e.hpa)) with \(e.rights)",
                                  location: e.origin)
            path.handoff = e.handoff
            return path
        }
    }

    }
}

extension World {
    /// The lowest host-physical address in `range` that some path reaches with `right`,
    /// with the path and the address in the path's own space.
    /// Without `paths`, only the paths that overlap `range` are looked at (through the index), and
    /// none when the reachable set for `right` misses the range; `include` narrows the paths.
    func find(_ right: Permissions, in range: Range<UInt64>, paths: [AccessPath]? = nil, where include: (AccessPath) -> Bool = { _ in true })
        -> (path: AccessPath, address: UInt64, hpa: UInt64)?
    {
        if paths == nil, right == .read || right == .write, reachable(right).lowest(in: range) == nil { return nil }
        let candidates = paths ?? core.index.candidates(overlapping: range).map { core.paths[$0] }
        var best: (AccessPath, UInt64, UInt64)?
        for path in candidates {
            if path.handoff == .scrubbed || !include(path) { continue }
            guard let h = reach(path, right).lowest(in: range) else { continue }
            let candidate = (path, path.base + (h - path.hpa), h)
            if best == nil || candidate.1 < best!.1 && candidate.0.prefix.count <= best!.0.prefix.count || candidate.0.prefix.count < best!.0.prefix.count {
                best = candidate
            }
        }
        return best
    }

    /// Whether a controlled VTL can OUT to port 0xB2 without a VM exit (or the attacker runs as the hypervisor).
    func smiSource() -> Principal? {
        if state.controls.contains(.hypervisor) { return .hypervisor }
        for context in state.controls.sorted() {
            guard let vtl = platform.vtl(of: context) else { continue }
            if !vtl.vmcs.ioExits(port: Layout.apmControlPort, size: 1) || state.ioPass.contains(.init(principal: context, number: Layout.apmControlPort)) {
                return context
            }
        }
        return nil
    }

    /// The step by which `actor` accesses `hpa` through `path`.
    func accessStep(_ access: Access, path: AccessPath, address: UInt64, hpa: UInt64) -> [Step] {
        switch path.medium {
        case .dma(let device):
            return path.prefix + [Step(actor: .device(device), action: .dma(access, address: address, hpa: hpa))]
        case .ept(let p), .physical(let p):
            let user = access == .execute && !path.rights.contains(.execute) && path.rights.contains(.userExecute)
            return path.prefix + [Step(actor: p, action: .access(access, gpa: address, hpa: hpa, userMode: user))]
        }
    }
}
