/// EPT or IOMMU access rights: read, write, supervisor execute (EPT bit 2: X, or XS under MBEC)
/// and user execute (EPT bit 10: XU, meaningful only under mode-based execute control).
/// Source: shared/DOMAIN.md §1.2, §1.6.
public struct Permissions: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let read = Permissions(rawValue: 1 << 0)
    public static let write = Permissions(rawValue: 1 << 1)
    /// Execute for supervisor-mode linear addresses (all fetches when MBEC is off).
    public static let execute = Permissions(rawValue: 1 << 2)
    /// Execute for user-mode linear addresses under MBEC (EPT bit 10).
    public static let userExecute = Permissions(rawValue: 1 << 3)

    public static let none: Permissions = []
    public static let rwx: Permissions = [.read, .write, .execute]

    /// Parses `rwxu`-style text; `-` stands for an absent right and `none` for no rights.
    public init?(text: String) {
        if text == "none" {
            self = []
            return
        }
        var p: Permissions = []
        for c in text {
            switch c {
            case "r": p.insert(.read)
            case "w": p.insert(.write)
            case "x": p.insert(.execute)
            case "u": p.insert(.userExecute)
            case "-": break
            default: return nil
            }
        }
        guard !text.isEmpty else { return nil }
        self = p
    }

    /// `rwxu` with `-` for each missing right.
    public var description: String {
        (contains(.read) ? "r" : "-") + (contains(.write) ? "w" : "-") + (contains(.execute) ? "x" : "-")
            + (contains(.userExecute) ? "u" : "-")
    }

    /// Write without read is an EPT misconfiguration (DOMAIN.md §1.3).
    public var isWriteWithoutRead: Bool { contains(.write) && !contains(.read) }

    /// Execute without read or write: needs the execute-only capability (DOMAIN.md §1.3).
    public var isExecuteOnly: Bool { !contains(.read) && !contains(.write) && !intersection([.execute, .userExecute]).isEmpty }
}

/// The size of one EPT or IOMMU leaf.
public enum PageSize: UInt64, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case size4K = 0x1000
    case size2M = 0x20_0000
    case size1G = 0x4000_0000

    public var bytes: UInt64 { rawValue }

    public var description: String {
        switch self {
        case .size4K: "4K"
        case .size2M: "2M"
        case .size1G: "1G"
        }
    }
}
