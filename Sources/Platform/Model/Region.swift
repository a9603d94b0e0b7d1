/// What a region of host-physical memory holds. Regions that hold state the CPU reads
/// (paging structures, VMCS, bitmaps, MSR areas, IOMMU tables) are memory like any other:
/// whoever can write them can change the machine.
public enum RegionKind: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case ram
    case code
    case data
    case secret
    case stack
    case free
    case pageTables = "page-tables"
    case vmcs
    case msrArea = "msr-area"
    case ioBitmap = "io-bitmap"
    case msrBitmap = "msr-bitmap"
    case eptpList = "eptp-list"
    case vmcsBitmap = "vmcs-bitmap"
    case iommuTables = "iommu-tables"
    case commBuffer = "comm-buffer"
    case smram
    case mmio

    public var description: String { rawValue }

    /// Kinds that hold structures the processor or IOMMU reads to decide what is allowed.
    public var isControlStructure: Bool {
        switch self {
        case .pageTables, .vmcs, .msrArea, .ioBitmap, .msrBitmap, .eptpList, .vmcsBitmap, .iommuTables: true
        default: false
        }
    }
}

/// A host-physical range `[base, base + size)` with an owner and a kind.
public struct Region: Hashable, Sendable {
    public var name: String
    public var base: UInt64
    public var size: UInt64
    /// The principal whose memory this is; `nil` for memory nobody owns (`owner none`).
    public var owner: Principal?
    public var kind: RegionKind
    /// Secret regions are filled with a distinctive pattern by the machine, so a leak shows as bytes.
    public var isSecret: Bool
    public var location: SourceLocation

    public init(name: String, base: UInt64, size: UInt64, owner: Principal?, kind: RegionKind, isSecret: Bool, location: SourceLocation = .synthetic) {
        self.name = name
        self.base = base
        self.size = size
        self.owner = owner
        self.kind = kind
        self.isSecret = isSecret || kind == .secret
        self.location = location
    }

    /// One past the last byte. Validated regions never wrap.
    public var end: UInt64 { base &+ size }

    public func contains(_ address: UInt64) -> Bool { address >= base && address - base < size }

    public func overlaps(base b: UInt64, size s: UInt64) -> Bool {
        guard size > 0, s > 0 else { return false }
        return b < end && base < b &+ s
    }
}
