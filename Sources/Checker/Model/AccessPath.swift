import Platform

/// One way a principal reaches host-physical memory: an interval of its address space
/// (guest-physical for a VTL, bus addresses for a device, physical for VMX root and SMM)
/// translated linearly to host-physical, with the rights that survive every layer
/// (EPT, VTL protections, IOMMU).
struct AccessPath: Hashable {
    enum Medium: Hashable {
        /// A CPU access by a VTL through its EPT.
        case ept(Principal)
        /// A DMA access by a device, through the IOMMU or without one.
        case dma(String)
        /// A CPU access without translation (VMX root, SMM, or a guest whose VMCS leaves EPT off).
        case physical(Principal)

        var isDMA: Bool {
            if case .dma = self { return true }
            return false
        }
    }

    var medium: Medium
    var base: UInt64
    var size: UInt64
    var hpa: UInt64
    var rights: Permissions
    /// The configuration fact this path stems from, in words a developer recognises.
    var fact: String
    var location: SourceLocation
    /// Steps that must come first to use this path (a VMFUNC switch to another EPT).
    var prefix: [Step] = []
    /// For a page handed over by the hypervisor: whether its old contents were scrubbed.
    var handoff: AttackState.Handoff? = nil
    /// The VTL whose EPT this path walks, when that is not the actor's own (VMFUNC, EPTP rewrite).
    var through: Principal? = nil

    /// The guest-physical range (never a wrapping one: it stops at the top of the address space).
    var guestRange: Range<UInt64> { base..<(base.addingReportingOverflow(size).overflow ? UInt64.max : base + size) }

    /// The host-physical range (never a wrapping one).
    var hostRange: Range<UInt64> { hpa..<(hpa.addingReportingOverflow(size).overflow ? UInt64.max : hpa + size) }

    var actor: Principal {
        switch medium {
        case .ept(let p), .physical(let p): p
        case .dma(let d): .device(d)
        }
    }
}

/// A host-physical interval that matters to a goal (a target region, an executable range).
struct TargetRange: Hashable {
    var base: UInt64
    var size: UInt64
    var fact: String
    var location: SourceLocation
    /// For executable ranges: how the target reaches it (for the second step of a trace).
    var path: AccessPath?
}

extension TargetRange {
    /// The step by which `principal` fetches `hpa` in this range: through the path it executes by
    /// (a user-mode fetch when only XU allows it), or physically.
    func execution(by principal: Principal, at hpa: UInt64) -> Step {
        guard let path else { return Step(actor: principal, action: .access(.execute, gpa: hpa, hpa: hpa, userMode: false)) }
        let user = !path.rights.contains(.execute)
        return Step(actor: principal, action: .access(.execute, gpa: path.base + (hpa - path.hpa), hpa: hpa, userMode: user))
    }
}

extension TargetRange {
    /// Whether some address of this range lies in `r`.
    func overlaps(_ r: Range<UInt64>) -> Bool { base < r.upperBound && r.lowerBound < base &+ size }

    /// The parts of this range outside `hole` (the same path translates them).
    func outside(_ hole: Range<UInt64>) -> [TargetRange] {
        IntervalSet([base..<(base + size)]).subtracting(hole).intervals.map { r in
            var part = self
            part.base = r.lowerBound
            part.size = r.upperBound - r.lowerBound
            return part
        }
    }
}
