/// Who acts on the platform: the hypervisor (VMX root), a partition's virtual trust level
/// (VMX non-root), system-management mode, or a DMA device.
public enum Principal: Hashable, Sendable, Comparable, CustomStringConvertible {
    case hypervisor
    case smm
    /// A partition at a virtual trust level. A partition without VTL blocks has only VTL 0.
    case vtl(partition: String, level: Int)
    case device(String)

    /// The partition's untrusted level, which is what a bare partition name means as an attacker.
    public static func partition(_ name: String) -> Principal { .vtl(partition: name, level: 0) }

    /// The partition this principal belongs to, if it is a VTL.
    public var partition: String? {
        if case .vtl(let p, _) = self { return p }
        return nil
    }

    public var description: String {
        switch self {
        case .hypervisor: "hypervisor"
        case .smm: "smm"
        case .vtl(let p, let level): "\(p).vtl\(level)"
        case .device(let d): d
        }
    }

    private var sortKey: (Int, String, Int) {
        switch self {
        case .hypervisor: (0, "", 0)
        case .smm: (1, "", 0)
        case .vtl(let p, let l): (2, p, l)
        case .device(let d): (3, d, 0)
        }
    }

    public static func < (a: Principal, b: Principal) -> Bool { a.sortKey < b.sortKey }
}

/// What a property protects: a principal, a whole partition (all its VTLs), or one region.
public enum Target: Hashable, Sendable, CustomStringConvertible {
    case principal(Principal)
    case partition(String)
    case region(String)

    public var description: String {
        switch self {
        case .principal(let p): p.description
        case .partition(let p): p
        case .region(let r): r
        }
    }
}
