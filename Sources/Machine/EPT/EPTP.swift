/// The extended-page-table pointer (VMCS field 0x201A): DOMAIN.md §1.1.
///
/// | bits | meaning |
/// |---|---|
/// | 2:0 | memory type of paging-structure accesses (0 UC or 6 WB) |
/// | 5:3 | page-walk length minus 1 (3 = 4-level, 4 = 5-level) |
/// | 6 | enable accessed/dirty flags |
/// | 11:7 | reserved (bit 7 is CET's; this model has no CET, so it is reserved) |
/// | N-1:12 | physical address of the PML4 (or PML5) table |
/// | 63:N | reserved, N = MAXPHYADDR |
public struct EPTP: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit field value.
    public var rawValue: UInt64

    /// Wraps a raw field value; it is not validated (see ``problem(under:)``).
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Composes an EPTP.
    ///
    /// - Parameters:
    ///   - rootAddress: the 4-KiB-aligned address of the top-level table.
    ///   - levels: the walk length, 4 or 5.
    ///   - memoryType: bits 2:0 (6 = WB by default).
    ///   - accessedDirty: bit 6.
    public init(rootAddress: UInt64, levels: Int = 4, memoryType: UInt8 = 6, accessedDirty: Bool = false) {
        precondition(rootAddress & 0xFFF == 0, "EPT root must be 4-KiB aligned")
        precondition((1...8).contains(levels), "walk length must be encodable in bits 5:3")
        rawValue = rootAddress | UInt64(memoryType & 7) | (UInt64(levels - 1) << 3)
            | (accessedDirty ? 1 << 6 : 0)
    }

    /// Bits 2:0: memory type used for paging-structure accesses.
    public var memoryType: UInt8 { UInt8(rawValue & 7) }
    /// Bits 5:3 plus one: the number of levels of the walk.
    public var levels: Int { Int((rawValue >> 3) & 7) + 1 }
    /// Bit 6: accessed and dirty flags are enabled.
    public var accessedDirtyEnabled: Bool { rawValue & (1 << 6) != 0 }
    /// Bits 51:12: the address of the top-level table.
    public var rootAddress: UInt64 { rawValue & 0x000F_FFFF_FFFF_F000 }

    /// Why an EPTP is invalid (VM entry fails with VMfailValid(7); VMFUNC leaf 0 exits).
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// Bits 2:0 name a memory type the processor does not allow for EPT structures.
        case memoryType(UInt8)
        /// Bits 5:3 name an unsupported walk length (the value is the number of levels).
        case walkLength(Int)
        /// Bit 6 is set but the processor has no EPT A/D flags.
        case accessedDirtyUnsupported
        /// One of bits 11:7 is set.
        case reservedBits(UInt64)
        /// An address bit at or above MAXPHYADDR is set.
        case beyondPhysicalAddressWidth(UInt64)

        public var description: String {
            switch self {
            case .memoryType(let t): "EPTP memory type \(t) is not allowed (only UC 0 or WB 6, per capability)"
            case .walkLength(let l): "EPTP page-walk length of \(l) levels is not supported"
            case .accessedDirtyUnsupported: "EPTP enables A/D flags, which the processor does not support"
            case .reservedBits(let b): "EPTP reserved bits 11:7 are set (0x\(String(b, radix: 16)))"
            case .beyondPhysicalAddressWidth(let b):
                "EPTP sets bits at or above MAXPHYADDR (0x\(String(b, radix: 16)))"
            }
        }
    }

    /// The first reason this EPTP is invalid on a processor with `capabilities`, or nil.
    ///
    /// Checks follow DOMAIN.md §1.1 (KUT `test_ept_eptp`, LNX-NESTED `nested_vmx_check_eptp`).
    public func problem(under capabilities: EPTCapabilities) -> Problem? {
        switch memoryType {
        case 0 where capabilities.uncacheableStructures: break
        case 6 where capabilities.writeBackStructures: break
        default: return .memoryType(memoryType)
        }
        switch levels {
        case 4 where capabilities.fourLevelWalk: break
        case 5 where capabilities.fiveLevelWalk: break
        default: return .walkLength(levels)
        }
        if accessedDirtyEnabled && !capabilities.accessedDirty { return .accessedDirtyUnsupported }
        let reserved = rawValue & 0xF80
        if reserved != 0 { return .reservedBits(reserved) }
        let high = rawValue & ~((1 << UInt64(capabilities.maxPhysicalAddressWidth)) - 1)
        if high != 0 { return .beyondPhysicalAddressWidth(high) }
        return nil
    }

    /// Whether this EPTP is valid on a processor with `capabilities`.
    public func isValid(under capabilities: EPTCapabilities) -> Bool {
        problem(under: capabilities) == nil
    }

    public var description: String { "EPTP(0x\(String(rawValue, radix: 16)))" }
}
