/// Access rights held by an EPT entry: R (bit 0), W (bit 1), X/XS (bit 2), XU (bit 10).
///
/// Layout from DOMAIN.md §1.2 (BOCHS `paging.cc`; KUT `EPT_EA_USER (1ul << 10)`).
/// X is supervisor-execute (XS) when mode-based execute control is on.
public struct EPTPermissions: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue & Self.mask }

    /// Bit 0: read.
    public static let read = EPTPermissions(rawValue: 1 << 0)
    /// Bit 1: write.
    public static let write = EPTPermissions(rawValue: 1 << 1)
    /// Bit 2: execute (supervisor-mode execute XS with MBEC).
    public static let execute = EPTPermissions(rawValue: 1 << 2)
    /// Bit 10: user-mode execute XU (only meaningful with MBEC).
    public static let userExecute = EPTPermissions(rawValue: 1 << 10)
    /// R, W, X and XU.
    public static let all: EPTPermissions = [.read, .write, .execute, .userExecute]
    /// The entry bits that hold permissions.
    public static let mask: UInt64 = 0x407

    public var description: String {
        (contains(.read) ? "r" : "-") + (contains(.write) ? "w" : "-")
            + (contains(.execute) ? "x" : "-") + (contains(.userExecute) ? "u" : "-")
    }
}

/// A memory type in a leaf EPT entry (bits 5:3): 0 UC, 1 WC, 4 WT, 5 WP, 6 WB.
/// Types 2, 3 and 7 are reserved and cause an EPT misconfiguration (DOMAIN.md §1.3).
public enum EPTMemoryType: UInt8, CaseIterable, Hashable, Sendable {
    /// 0: UC.
    case uncacheable = 0
    /// 1: WC.
    case writeCombining = 1
    /// 4: WT.
    case writeThrough = 4
    /// 5: WP.
    case writeProtected = 5
    /// 6: WB.
    case writeBack = 6
}

/// The size of the page a leaf EPT entry maps.
public enum EPTPageSize: Int, CaseIterable, Comparable, Hashable, Sendable, CustomStringConvertible {
    /// 4 KiB, mapped by a PTE (level 1).
    case size4K = 1
    /// 2 MiB, mapped by a PDE with PS=1 (level 2).
    case size2M = 2
    /// 1 GiB, mapped by a PDPTE with PS=1 (level 3).
    case size1G = 3

    /// The level of the leaf entry that maps a page of this size.
    public var level: Int { rawValue }
    /// The number of address bits covered by the page offset.
    public var offsetBits: Int { 12 + 9 * (rawValue - 1) }
    /// The page size in bytes.
    public var bytes: UInt64 { 1 << UInt64(offsetBits) }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .size4K: "4K"
        case .size2M: "2M"
        case .size1G: "1G"
        }
    }
}

/// Bit positions of an EPT paging-structure entry (DOMAIN.md §1.2).
public enum EPTEntryBits {
    /// Bits 5:3 of a leaf: memory type.
    public static let memoryTypeShift: UInt64 = 3
    /// Bit 6 of a leaf: ignore PAT.
    public static let ignorePAT: UInt64 = 1 << 6
    /// Bit 7: page size (leaf) in a PDPTE or PDE.
    public static let pageSize: UInt64 = 1 << 7
    /// Bit 8: accessed (when EPTP[6]=1).
    public static let accessed: UInt64 = 1 << 8
    /// Bit 9 of a leaf: dirty (when EPTP[6]=1).
    public static let dirty: UInt64 = 1 << 9
    /// Bit 63 of a leaf: suppress #VE.
    public static let suppressVE: UInt64 = 1 << 63
    /// Bits 51:12: the address field (of which bits at or above MAXPHYADDR are reserved).
    public static let addressMask: UInt64 = 0x000F_FFFF_FFFF_F000

    /// A non-leaf entry pointing to the table at `address`, granting R, W, X and XU so
    /// that the leaf alone decides the access rights.
    public static func table(_ address: UInt64) -> UInt64 {
        (address & addressMask) | EPTPermissions.all.rawValue
    }

    /// A leaf entry mapping `address` with `permissions` and `memoryType`; `size`
    /// decides whether PS (bit 7) is set.
    public static func leaf(
        _ address: UInt64, permissions: EPTPermissions, memoryType: EPTMemoryType = .writeBack,
        size: EPTPageSize = .size4K
    ) -> UInt64 {
        (address & addressMask) | permissions.rawValue
            | (UInt64(memoryType.rawValue) << memoryTypeShift) | (size == .size4K ? 0 : pageSize)
    }
}
