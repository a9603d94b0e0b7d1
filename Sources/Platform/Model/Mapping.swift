/// Where a mapping points: into a named region at an offset, or at a raw host-physical address.
public enum MappingTarget: Hashable, Sendable, CustomStringConvertible {
    case region(String, offset: UInt64)
    case host(UInt64)

    public var description: String {
        switch self {
        case .region(let r, let offset): offset == 0 ? r : "\(r) + \(hex(offset))"
        case .host(let address): hex(address)
        }
    }
}

/// A guest-physical range translated to a host-physical range with access rights,
/// materialised with leaves of one page size (EPT for a VTL, second-level tables for a device).
public struct Mapping: Hashable, Sendable {
    public var gpa: UInt64
    public var size: UInt64
    public var target: MappingTarget
    /// The host-physical address of `gpa`; resolved by the validator for region targets.
    public var hpa: UInt64
    public var permissions: Permissions
    public var pageSize: PageSize
    public var location: SourceLocation

    public init(gpa: UInt64, size: UInt64, target: MappingTarget, hpa: UInt64, permissions: Permissions, pageSize: PageSize = .size4K, location: SourceLocation = .synthetic) {
        self.gpa = gpa
        self.size = size
        self.target = target
        self.hpa = hpa
        self.permissions = permissions
        self.pageSize = pageSize
        self.location = location
    }

    public var gpaEnd: UInt64 { gpa &+ size }
    public var hpaEnd: UInt64 { hpa &+ size }

    /// The host-physical address a guest-physical address inside this mapping translates to.
    public func translate(_ address: UInt64) -> UInt64? {
        guard address >= gpa, address - gpa < size else { return nil }
        return hpa + (address - gpa)
    }
}

/// A restriction a higher VTL places on a lower VTL's view of memory (TLFS
/// HvCallModifyVtlProtectionMask; DOMAIN.md §6.3). The effective right is the EPT right
/// AND this mask.
public struct VTLProtection: Hashable, Sendable {
    public var gpa: UInt64
    public var size: UInt64
    public var permissions: Permissions
    public var location: SourceLocation

    public init(gpa: UInt64, size: UInt64, permissions: Permissions, location: SourceLocation = .synthetic) {
        self.gpa = gpa
        self.size = size
        self.permissions = permissions
        self.location = location
    }
}

/// `0x`-prefixed lowercase hexadecimal, as Moat prints addresses.
public func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }
