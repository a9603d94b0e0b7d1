import Platform

/// Computes, from the configuration alone, how each principal reaches memory.
struct Capabilities {
    let platform: Platform
    /// Where derived paths are kept between calls, when a run has one.
    var cache: PathCache? = nil

    var physicalLimit: UInt64 { 1 << UInt64(platform.cpu.maxPhysAddr) }

    /// Every path by which `principal` (and the devices that act for it) touches memory.
    func paths(of principal: Principal) -> [AccessPath] {
        switch principal {
        case .hypervisor:
            return [AccessPath(medium: .physical(.hypervisor), base: 0, size: physicalLimit, hpa: 0, rights: [.read, .write, .execute],
                               fact: "the hypervisor runs in VMX root without EPT and reaches all physical memory", location: platform.hypervisor.location)]
        case .smm:
            return [AccessPath(medium: .physical(.smm), base: 0, size: physicalLimit, hpa: 0, rights: [.read, .write, .execute],
                               fact: "SMM runs without paging or EPT and reaches all DRAM (SDM vol. 3C §32.5)", location: platform.smm?.location ?? .synthetic)]
        case .device(let name):
            return platform.device(named: name).map(dmaPaths) ?? []
        case .vtl:
            var result = cpuPaths(of: principal)
            for device in platform.devices where device.assignedTo == principal {
                result += dmaPaths(device)
            }
            return result
        }
    }

    /// The CPU paths of a VTL: its EPT mappings cut by the protections higher VTLs place on it.
    func cpuPaths(of principal: Principal) -> [AccessPath] {
        guard let cache else { return Atoms.merge(computeCPUPaths(of: principal)) }
        return cache.cpuPaths(of: principal) { cache.atoms ? Atoms.merge(computeCPUPaths(of: principal)) : computeCPUPaths(of: principal) }
    }

    private func computeCPUPaths(of principal: Principal) -> [AccessPath] {
        guard case .vtl(let p, let level) = principal, let partition = platform.partition(named: p), let vtl = partition.vtl(level) else { return [] }
        guard vtl.vmcs.eptEnabled else {
            return [AccessPath(medium: .physical(principal), base: 0, size: physicalLimit, hpa: 0, rights: [.read, .write, .execute, .userExecute],
                               fact: "\(platform.displayName(principal))'s VMCS does not enable EPT, so guest-physical is host-physical", location: vtl.vmcs.location)]
        }
        let protections = partition.vtls.filter { $0.level > level }.flatMap { $0.protections[level] ?? [] }
        var result: [AccessPath] = []
        for m in vtl.mappings {
            let fact = "\(platform.displayName(principal)) maps guest-physical [\(hex(m.gpa)), \(hex(m.gpaEnd))) to \(m.target) [\(hex(m.hpa)), \(hex(m.hpaEnd))) with \(m.permissions)"
            for piece in split(m, by: protections) {
                let mask = piece.protection?.permissions ?? [.read, .write, .execute, .userExecute]
                var rights = m.permissions.intersection(mask)
                if !vtl.vmcs.mbecEnabled {
                    // Without MBEC, bit 10 is ignored and bit 2 governs every fetch (DOMAIN.md §1.6).
                    rights.remove(.userExecute)
                }
                let note = piece.protection.map { "; a higher VTL restricts [\(hex($0.gpa)), \(hex($0.gpa &+ $0.size))) to \($0.permissions)" } ?? ""
                result.append(AccessPath(medium: .ept(principal), base: piece.base, size: piece.size, hpa: m.hpa + (piece.base - m.gpa),
                                         rights: rights, fact: fact + note, location: piece.protection?.location ?? m.location))
            }
        }
        return result
    }

    /// A device's DMA: its IOMMU mappings, or all memory without an IOMMU.
    func dmaPaths(_ device: Device) -> [AccessPath] {
        guard device.iommu else {
            return [AccessPath(medium: .dma(device.name), base: 0, size: physicalLimit, hpa: 0, rights: [.read, .write],
                               fact: "device '\(device.name)' has no IOMMU and reaches all physical memory by DMA", location: device.location)]
        }
        let merge = cache?.atoms ?? true ? Atoms.merge : { $0 }
        return merge(device.mappings.map { m in
            AccessPath(medium: .dma(device.name), base: m.gpa, size: m.size, hpa: m.hpa, rights: m.permissions.intersection([.read, .write]),
                       fact: "device '\(device.name)' maps bus addresses [\(hex(m.gpa)), \(hex(m.gpaEnd))) to \(m.target) with \(m.permissions)", location: m.location)
        })
    }

    /// Cuts a mapping at the edges of protection ranges; each piece lies under at most one protection
    /// (the last one declared wins where they overlap).
    private func split(_ m: Mapping, by protections: [VTLProtection]) -> [(base: UInt64, size: UInt64, protection: VTLProtection?)] {
        var cuts: Set<UInt64> = [m.gpa, m.gpaEnd]
        for p in protections {
            for edge in [p.gpa, p.gpa &+ p.size] where edge > m.gpa && edge < m.gpaEnd { cuts.insert(edge) }
        }
        let edges = cuts.sorted()
        return zip(edges, edges.dropFirst()).map { low, high in
            (low, high - low, protections.last { $0.gpa <= low && low - $0.gpa < $0.size })
        }
    }

    /// The host-physical ranges that hold the target's memory.
    func memory(of target: Target) -> [TargetRange] {
        platform.regions(of: target).map {
            let whose: String
            if case .region = target { whose = "is the target" } else { whose = "belongs to \(target)" }
            return TargetRange(base: $0.base, size: $0.size, fact: "region '\($0.name)' [\(hex($0.base)), \(hex($0.end))) \(whose)", location: $0.location)
        }
    }

    /// The host-physical ranges whose bytes run in the target's context.
    func executable(by target: Target) -> [TargetRange] {
        guard let cache else { return computeExecutable(by: target) }
        return cache.executable(by: target) { computeExecutable(by: target) }.ranges
    }

    /// The host-physical addresses whose bytes run in `principal`'s context, as one set.
    func executableSet(of principal: Principal) -> IntervalSet {
        if let cache { return cache.executable(by: .principal(principal)) { computeExecutable(by: .principal(principal)) }.set }
        return IntervalSet(computeExecutable(by: .principal(principal)).map { $0.base..<($0.base &+ $0.size) })
    }

    private func computeExecutable(by target: Target) -> [TargetRange] {
        var principals: [Principal] = []
        switch target {
        case .principal(let p): principals = [p]
        case .partition(let name): principals = platform.partition(named: name)?.principals ?? []
        case .region: return []
        }
        var result: [TargetRange] = []
        for p in principals {
            switch p {
            case .hypervisor:
                for r in platform.regions where r.owner == .hypervisor && r.kind == .code {
                    result.append(TargetRange(base: r.base, size: r.size, fact: "the hypervisor executes region '\(r.name)'", location: r.location))
                }
            case .smm:
                for r in platform.regions where r.owner == .smm || r.kind == .smram {
                    result.append(TargetRange(base: r.base, size: r.size, fact: "SMM executes region '\(r.name)'", location: r.location))
                }
            case .vtl:
                for path in cpuPaths(of: p) where path.rights.contains(.execute) || path.rights.contains(.userExecute) {
                    result.append(TargetRange(base: path.hpa, size: path.size, fact: path.fact, location: path.location, path: path))
                }
            case .device:
                break
            }
        }
        return result
    }
}
