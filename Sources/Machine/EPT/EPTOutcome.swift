/// The kind of guest-physical access that an EPT walk checks.
public enum EPTAccess: Hashable, Sendable, CustomStringConvertible {
    /// A data read (including guest paging-structure reads, DOMAIN.md §1.5).
    case read
    /// A data write (including guest A/D updates; with EPTP[6]=1 every guest
    /// paging-structure access is a write, DOMAIN.md §1.5 — the caller decides).
    case write
    /// An instruction fetch. `userAddress` is the U/S flag of the guest linear
    /// address's translation (1 = user-mode address). Under MBEC it selects XU over
    /// XS; it is **not** the CPL (DOMAIN.md §1.6, BOCHS `user_page`).
    case fetch(userAddress: Bool)

    /// A fetch from a supervisor-mode linear address.
    public static let fetchSupervisor = EPTAccess.fetch(userAddress: false)
    /// A fetch from a user-mode linear address.
    public static let fetchUser = EPTAccess.fetch(userAddress: true)

    /// Exit-qualification bits 2:0 for this access: 1 read, 2 write, 4 fetch (§1.4).
    public var qualificationBits: UInt64 {
        switch self {
        case .read: 1
        case .write: 2
        case .fetch: 4
        }
    }

    public var description: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .fetch(let user): user ? "fetch(user)" : "fetch(supervisor)"
        }
    }
}

/// How the guest-linear-address field relates to an EPT-checked access
/// (EPT-violation qualification bits 7 and 8, DOMAIN.md §1.4–1.5).
public enum EPTLinearAddressInfo: Hashable, Sendable {
    /// No guest-linear address is reported (bit 7 = 0).
    case none
    /// The access is to the final translation of a linear address (bits 7, 8 = 1).
    case finalTranslation
    /// The access is to a guest paging-structure entry (bit 7 = 1, bit 8 = 0).
    case pagingStructure

    var qualificationBits: UInt64 {
        switch self {
        case .none: 0
        case .finalTranslation: 0x180
        case .pagingStructure: 0x80
        }
    }
}

/// The result of an EPT walk: DOMAIN.md §1.3.
public enum EPTOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The access is allowed; `hpa` is the host-physical address of the byte.
    case translated(hpa: UInt64, pageSize: EPTPageSize)
    /// EPT violation, exit reason 48, with exit qualification (VMCS 0x6400) and GPA (0x2400).
    case violation(qualification: UInt64, gpa: UInt64)
    /// EPT misconfiguration, exit reason 49; GPA in 0x2400, qualification undefined (0).
    case misconfiguration(gpa: UInt64)

    /// The basic VM-exit reason this outcome causes, or nil for a translation.
    public var exitReason: UInt32? {
        switch self {
        case .translated: nil
        case .violation: 48
        case .misconfiguration: 49
        }
    }

    public var description: String {
        switch self {
        case .translated(let hpa, let size): "translated(0x\(String(hpa, radix: 16)), \(size))"
        case .violation(let q, let gpa):
            "violation(qual 0x\(String(q, radix: 16)), gpa 0x\(String(gpa, radix: 16)))"
        case .misconfiguration(let gpa): "misconfiguration(gpa 0x\(String(gpa, radix: 16)))"
        }
    }
}

/// One paging-structure entry read during a walk, for diagnostics.
public struct EPTEntryRead: Hashable, Sendable, CustomStringConvertible {
    /// The level: 5 PML5E, 4 PML4E, 3 PDPTE, 2 PDE, 1 PTE.
    public var level: Int
    /// The host-physical address of the entry.
    public var address: UInt64
    /// The entry as read (before any A/D update).
    public var value: UInt64

    /// Records an entry read.
    public init(level: Int, address: UInt64, value: UInt64) {
        self.level = level
        self.address = address
        self.value = value
    }

    public var description: String {
        "L\(level) @0x\(String(address, radix: 16)) = 0x\(String(value, radix: 16))"
    }
}

/// An EPT walk's outcome together with the entries it read.
public struct EPTWalk: Hashable, Sendable {
    /// What the walk decided.
    public var outcome: EPTOutcome
    /// The entries read, top level first.
    public var entries: [EPTEntryRead]
}
