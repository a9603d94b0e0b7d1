/// A VMCS field encoding, as VMREAD and VMWRITE take it (DOMAIN.md §3.1).
///
/// | bits | meaning |
/// |---|---|
/// | 0 | access type: 1 = the high 32 bits of a 64-bit field |
/// | 9:1 | index |
/// | 11:10 | type: 0 control, 1 VM-exit information (read-only), 2 guest state, 3 host state |
/// | 12 | reserved (0) |
/// | 14:13 | width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural |
/// | 31:15 | reserved (0) |
public struct VMCSField: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The 32-bit encoding.
    public let rawValue: UInt32

    /// Wraps an encoding; any value is accepted (see ``isWellFormed`` and ``isSupported``).
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Bit 0 of the encoding.
    public enum AccessType: Int, Hashable, Sendable {
        /// The whole field (or the low 32 bits of a 64-bit field in 32-bit mode).
        case full = 0
        /// The high 32 bits of a 64-bit field.
        case high = 1
    }

    /// Bits 11:10 of the encoding.
    public enum FieldType: Int, Hashable, Sendable {
        /// 0: a control field.
        case control = 0
        /// 1: VM-exit information; read-only to VMWRITE unless IA32_VMX_MISC[29] = 1.
        case exitInformation = 1
        /// 2: guest state.
        case guestState = 2
        /// 3: host state.
        case hostState = 3
    }

    /// Bits 14:13 of the encoding.
    public enum Width: Int, Hashable, Sendable {
        /// 0: 16 bits.
        case bits16 = 0
        /// 1: 64 bits.
        case bits64 = 1
        /// 2: 32 bits.
        case bits32 = 2
        /// 64 bits on processors that support Intel 64.
        case natural = 3

        /// The number of bits the field holds.
        public var bitCount: Int {
            switch self {
            case .bits16: 16
            case .bits32: 32
            case .bits64, .natural: 64
            }
        }
    }

    /// Bit 0.
    public var accessType: AccessType { AccessType(rawValue: Int(rawValue & 1))! }
    /// Bits 9:1.
    public var index: Int { Int((rawValue >> 1) & 0x1FF) }
    /// Bits 11:10.
    public var type: FieldType { FieldType(rawValue: Int((rawValue >> 10) & 3))! }
    /// Bits 14:13.
    public var width: Width { Width(rawValue: Int((rawValue >> 13) & 3))! }

    /// Reserved bits 12 and 31:15 are clear, and high access is used only with a 64-bit field.
    public var isWellFormed: Bool {
        rawValue & 0xFFFF_9000 == 0 && (accessType == .full || width == .bits64)
    }

    /// The encoding of the whole field (bit 0 cleared).
    public var fullField: VMCSField { VMCSField(rawValue: rawValue & ~1) }

    /// Whether this processor model supports the field: one of ``VMCSField/known``,
    /// or the high half of a known 64-bit field. VMREAD/VMWRITE of anything else
    /// fails with error 12 (§3.1).
    public var isSupported: Bool { isWellFormed && VMCSField.names[fullField] != nil }

    /// Whether VMWRITE treats the field as read-only (type 1, VM-exit information).
    public var isReadOnly: Bool { type == .exitInformation }

    /// The field's name from ``VMCSField/known``, with " (high)" for a high access.
    public var name: String? {
        guard isWellFormed, let base = VMCSField.names[fullField] else { return nil }
        return accessType == .high ? base + " (high)" : base
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        "0x" + String(rawValue, radix: 16, uppercase: true) + (name.map { " \($0)" } ?? "")
    }
}
