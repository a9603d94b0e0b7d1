/// A VMX non-root guest. The root partition (VBS) is itself a guest of the hypervisor.
public struct Partition: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case root
        case guest
    }

    public var name: String
    public var kind: Kind
    /// The partition's virtual trust levels, lowest first; always at least VTL 0.
    public var vtls: [VTL]
    /// Hypervisor-enforced code integrity: no VTL0 page both writable and kernel-executable.
    public var hvci: Bool
    public var location: SourceLocation

    public init(name: String, kind: Kind, vtls: [VTL], hvci: Bool = false, location: SourceLocation = .synthetic) {
        self.name = name
        self.kind = kind
        self.vtls = vtls
        self.hvci = hvci
        self.location = location
    }

    public func vtl(_ level: Int) -> VTL? { vtls.first { $0.level == level } }

    public var principals: [Principal] { vtls.map { .vtl(partition: name, level: $0.level) } }
}

/// One virtual trust level of a partition: its own EPT (second-level address translation),
/// its own VMCS, and the protections it places on lower levels.
public struct VTL: Hashable, Sendable {
    public var level: Int
    public var mappings: [Mapping]
    /// The region that holds this VTL's EPT paging structures, if the model says where they live.
    public var eptRegion: String?
    /// The VMCS of this VTL's virtual processor (inherited from the partition when the VTL has none).
    public var vmcs: VMCSConfig
    /// Restrictions this VTL places on lower VTLs, keyed by the lower level.
    public var protections: [Int: [VTLProtection]]
    public var location: SourceLocation

    public init(level: Int, mappings: [Mapping] = [], eptRegion: String? = nil, vmcs: VMCSConfig = VMCSConfig(), protections: [Int: [VTLProtection]] = [:], location: SourceLocation = .synthetic) {
        self.level = level
        self.mappings = mappings
        self.eptRegion = eptRegion
        self.vmcs = vmcs
        self.protections = protections
        self.location = location
    }
}
