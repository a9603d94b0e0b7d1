/// What a VMCS lets a guest do: control bits, which I/O ports and MSRs exit, VM functions,
/// VMCS shadowing and MSR-load areas, and where each of these structures lives in memory.
public struct VMCSConfig: Hashable, Sendable {
    /// A control bit set by name in the model.
    public struct Setting: Hashable, Sendable {
        public var field: ControlField
        public var name: String
        public var bit: Int
        public var location: SourceLocation
    }

    /// The region that holds the VMCS itself.
    public var region: String?
    /// Control field values. A field written in the model replaces the default wholesale.
    public var values: [ControlField: UInt32]
    /// The named settings as written, for reports and lint.
    public var settings: [Setting] = []

    public var ioBitmapRegion: String?
    /// What a port not named in `ioRules` does when I/O bitmaps are in use.
    public var ioDefault: PortAction = .exit
    public var ioRules: [PortRule] = []

    public var msrBitmapRegion: String?
    public var msrDefault: PortAction = .exit
    public var msrRules: [MSRRule] = []

    public var vmfunc: VMFunctionConfig?
    public var shadowing: ShadowingConfig?
    public var msrAreas: [MSRArea] = []
    public var location: SourceLocation = .synthetic

    /// The controls a hypervisor gives a guest unless the model says otherwise: HLT exiting,
    /// I/O and MSR bitmaps (everything exits), secondary controls with EPT, VPID and unrestricted guest.
    public init() {
        values = [
            .pin: 0,
            .primary: 1 << 7 | 1 << UInt32(VMXControls.primaryUseIOBitmaps) | 1 << UInt32(VMXControls.primaryUseMSRBitmaps)
                | 1 << UInt32(VMXControls.primaryActivateSecondary),
            .secondary: 1 << UInt32(VMXControls.secondaryEnableEPT) | 1 << 5
                | 1 << UInt32(VMXControls.secondaryUnrestrictedGuest),
            .exit: 1 << 9,
            .entry: 1 << 9,
        ]
    }

    public func value(_ field: ControlField) -> UInt32 { values[field] ?? 0 }

    public func primary(_ bit: Int) -> Bool { value(.primary) >> UInt32(bit) & 1 == 1 }

    /// A secondary control as the processor sees it: ignored (0) when primary bit 31 is clear (DOMAIN.md §3.6).
    public func secondary(_ bit: Int) -> Bool {
        primary(VMXControls.primaryActivateSecondary) && value(.secondary) >> UInt32(bit) & 1 == 1
    }

    public var eptEnabled: Bool { secondary(VMXControls.secondaryEnableEPT) }
    public var mbecEnabled: Bool { secondary(VMXControls.secondaryModeBasedExecute) }
    public var vmfuncEnabled: Bool { secondary(VMXControls.secondaryEnableVMFunctions) }
    public var shadowingEnabled: Bool { secondary(VMXControls.secondaryVMCSShadowing) }

    /// Whether an I/O access of `size` bytes to `port` causes a VM exit (DOMAIN.md §4.1).
    public func ioExits(port: UInt32, size: UInt32) -> Bool {
        if primary(VMXControls.primaryUseIOBitmaps) {
            if port + size > 0x1_0000 { return true }
            return (port..<port + size).contains { ioAction(for: $0) == .exit }
        }
        return primary(VMXControls.primaryUnconditionalIO)
    }

    /// The bitmap bit of one port when I/O bitmaps are in use: the last rule naming it wins.
    public func ioAction(for port: UInt32) -> PortAction {
        ioRules.last { $0.low <= port && port <= $0.high }?.action ?? ioDefault
    }

    /// Whether RDMSR (`write == false`) or WRMSR of `msr` causes a VM exit (DOMAIN.md §4.2).
    public func msrExits(_ msr: UInt32, write: Bool) -> Bool {
        guard primary(VMXControls.primaryUseMSRBitmaps) else { return true }
        guard msr <= 0x1FFF || (0xC000_0000...0xC000_1FFF).contains(msr) else { return true }
        let rule = msrRules.last { $0.low <= msr && msr <= $0.high && (write ? $0.access.write : $0.access.read) }
        return (rule?.action ?? msrDefault) == .exit
    }
}

/// Whether an I/O port or MSR access exits to the hypervisor or passes through to hardware.
public enum PortAction: String, Hashable, Sendable {
    case exit
    case pass
}

/// `io pass 0x60 0x64..0x67`: a range of ports and what they do.
public struct PortRule: Hashable, Sendable {
    public var action: PortAction
    public var low: UInt32
    public var high: UInt32
    public var location: SourceLocation
}

/// `msr pass read 0x10`: a range of MSRs, for reads, writes or both.
public struct MSRRule: Hashable, Sendable {
    public struct Access: Hashable, Sendable {
        public var read: Bool
        public var write: Bool
    }

    public var action: PortAction
    public var access: Access
    public var low: UInt32
    public var high: UInt32
    public var location: SourceLocation
}

/// VMFUNC leaf 0 (EPTP switching): the EPTP list and the principals whose EPT pointers it holds.
public struct VMFunctionConfig: Hashable, Sendable {
    public var eptpListRegion: String?
    /// Entry i of the EPTP list is the EPT of `entries[i]`.
    public var entries: [Principal]
    public var location: SourceLocation
}

/// VMCS shadowing: the VMREAD and VMWRITE bitmaps. A field whose bit is clear is read or
/// written in the shadow VMCS without a VM exit.
public struct ShadowingConfig: Hashable, Sendable {
    public var vmreadBitmapRegion: String?
    public var vmwriteBitmapRegion: String?
    /// Field encodings that pass through (bit clear) for VMREAD and VMWRITE.
    public var vmreadPass: [UInt32]
    public var vmwritePass: [UInt32]
    public var location: SourceLocation
}

/// An MSR-load or MSR-store area: 16-byte entries {u32 index, u32 reserved, u64 value}.
public struct MSRArea: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// VM-entry MSR-load area (0x200A / count 0x4014).
        case entryLoad = "entry"
        /// VM-exit MSR-load area (0x2008 / count 0x4010).
        case exitLoad = "exit"
        /// VM-exit MSR-store area (0x2006 / count 0x400E).
        case exitStore = "store"
    }

    public struct Entry: Hashable, Sendable {
        public var index: UInt32
        public var value: UInt64
    }

    public var kind: Kind
    public var region: String?
    public var entries: [Entry]
    public var location: SourceLocation
}
