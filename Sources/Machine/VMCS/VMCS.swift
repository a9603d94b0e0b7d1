/// The data of one VMCS as the processor holds it: field values and launch state.
///
/// The SDM leaves the layout of VMCS data inside the VMCS region implementation-
/// defined (only the revision identifier and the abort indicator have fixed offsets,
/// see ``VMCSRegion``), so the machine keeps field values here, keyed by the full
/// encoding. Fields never written read as zero.
public struct VMCS: Hashable, Sendable {
    /// The launch state (SDM "clear" or "launched").
    public enum LaunchState: Hashable, Sendable {
        /// After VMCLEAR: VMLAUNCH may enter.
        case clear
        /// After a successful VMLAUNCH: VMRESUME may enter.
        case launched
    }

    /// Clear after VMCLEAR, launched after a successful VMLAUNCH.
    public var launchState: LaunchState = .clear
    /// Whether the region's revision word had bit 31 set when loaded (a shadow VMCS).
    public var isShadow = false
    /// Field values keyed by full encoding, truncated to the field's width.
    public private(set) var fields: [VMCSField: UInt64] = [:]

    /// An empty, clear VMCS.
    public init() {}

    /// The value of `field` (the high 32 bits of a 64-bit field for a high access).
    ///
    /// - Precondition: `field.isWellFormed` (support is the caller's check: error 12).
    public func read(_ field: VMCSField) -> UInt64 {
        precondition(field.isWellFormed, "malformed VMCS field encoding \(field)")
        let value = fields[field.fullField] ?? 0
        return field.accessType == .high ? value >> 32 : value
    }

    /// Writes `value` to `field`, truncated to its width; a high access replaces
    /// bits 63:32 of the 64-bit field with the low 32 bits of `value`.
    ///
    /// - Precondition: `field.isWellFormed`.
    public mutating func write(_ field: VMCSField, _ value: UInt64) {
        precondition(field.isWellFormed, "malformed VMCS field encoding \(field)")
        let key = field.fullField
        if field.accessType == .high {
            let old = fields[key] ?? 0
            fields[key] = (old & 0xFFFF_FFFF) | (value << 32)
            return
        }
        let bits = field.width.bitCount
        fields[key] = bits == 64 ? value : value & ((1 << UInt64(bits)) - 1)
    }

    /// Subscript access to ``read(_:)`` and ``write(_:_:)``.
    public subscript(field: VMCSField) -> UInt64 {
        get { read(field) }
        set { write(field, newValue) }
    }

    /// The pin-based controls (0x4000).
    public var pinBasedControls: PinBasedControls {
        PinBasedControls(rawValue: UInt32(truncatingIfNeeded: self[.pinBasedControls]))
    }

    /// The primary processor-based controls (0x4002).
    public var primaryControls: PrimaryProcessorControls {
        PrimaryProcessorControls(rawValue: UInt32(truncatingIfNeeded: self[.primaryProcessorControls]))
    }

    /// The secondary controls in effect: the field 0x401E when primary bit 31 is 1,
    /// otherwise 0 (the field is ignored, DOMAIN.md §3.6; BOCHS `vmexec_ctrls2 = 0`).
    public var effectiveSecondaryControls: SecondaryProcessorControls {
        guard primaryControls.contains(.activateSecondaryControls) else { return [] }
        return SecondaryProcessorControls(rawValue: UInt32(truncatingIfNeeded: self[.secondaryProcessorControls]))
    }
}

/// The architectural bytes of a VMCS (or VMXON) region in physical memory: the
/// revision identifier (bits 30:0) and shadow-VMCS indicator (bit 31) at offset 0,
/// and the VMX-abort indicator at offset 4.
public enum VMCSRegion {
    /// Writes the revision identifier (and shadow indicator) at the start of the region.
    public static func initialize(
        at address: UInt64, revision: UInt32, shadow: Bool = false, in memory: inout PhysicalMemory
    ) {
        memory.write32((revision & 0x7FFF_FFFF) | (shadow ? 1 << 31 : 0), at: address)
        memory.write32(0, at: address + 4)
    }

    /// The 32-bit word at offset 0 (revision in bits 30:0, shadow indicator in bit 31).
    public static func revisionWord(at address: UInt64, in memory: PhysicalMemory) -> UInt32 {
        memory.read32(address)
    }

    /// The VMX-abort indicator at offset 4.
    public static func abortIndicator(at address: UInt64, in memory: PhysicalMemory) -> UInt32 {
        memory.read32(address + 4)
    }
}
