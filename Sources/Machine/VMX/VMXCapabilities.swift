/// The VMX capability MSRs of a processor (DOMAIN.md §3.6, Linux `msr-index.h`)
/// plus MAXPHYADDR.
///
/// Each control MSR holds the allowed-0 settings in its low dword (a 1 there means
/// the control must be 1) and the allowed-1 settings in its high dword (a 0 there
/// means the control must be 0).
public struct VMXCapabilities: Hashable, Sendable {
    /// IA32_VMX_BASIC (0x480): [30:0] revision, [44:32] VMCS size, [53:50] memory type, [55] TRUE controls.
    public var basic: UInt64
    /// IA32_VMX_PINBASED_CTLS (0x481).
    public var pinBased: UInt64
    /// IA32_VMX_PROCBASED_CTLS (0x482).
    public var processorBased: UInt64
    /// IA32_VMX_EXIT_CTLS (0x483).
    public var exit: UInt64
    /// IA32_VMX_ENTRY_CTLS (0x484).
    public var entry: UInt64
    /// IA32_VMX_MISC (0x485): [24:16] CR3-target count, [27:25] MSR-list size, [29] VMWRITE to exit-info fields.
    public var misc: UInt64
    /// IA32_VMX_PROCBASED_CTLS2 (0x48B).
    public var secondaryProcessorBased: UInt64
    /// IA32_VMX_EPT_VPID_CAP (0x48C).
    public var eptVPID: UInt64
    /// IA32_VMX_TRUE_PINBASED_CTLS (0x48D), used when BASIC[55] = 1.
    public var truePinBased: UInt64
    /// IA32_VMX_TRUE_PROCBASED_CTLS (0x48E), used when BASIC[55] = 1.
    public var trueProcessorBased: UInt64
    /// IA32_VMX_TRUE_EXIT_CTLS (0x48F), used when BASIC[55] = 1.
    public var trueExit: UInt64
    /// IA32_VMX_TRUE_ENTRY_CTLS (0x490), used when BASIC[55] = 1.
    public var trueEntry: UInt64
    /// IA32_VMX_VMFUNC (0x491): the VM functions that may be enabled.
    public var vmFunctions: UInt64
    /// MAXPHYADDR.
    public var maxPhysicalAddressWidth: Int

    /// A modern processor: revision 0x12, TRUE controls, the controls allowed except
    /// those whose features are not modelled (tertiary controls, secondary exit
    /// controls, entry to SMM, deactivate dual-monitor), the default-1 bits of LNX-VMX `*_ALWAYSON_WITHOUT_TRUE_MSR`
    /// required, EPT per ``EPTCapabilities/modern``, EPTP switching, MAXPHYADDR 46.
    /// IA32_VMX_MISC[29] is 0, so VMWRITE to exit-information fields fails (error 13).
    public static let modern = VMXCapabilities(
        basic: 0x12 | (0x1000 << 32) | (6 << 50) | (1 << 54) | (1 << 55),
        pinBased: control(lo: 0x16, hi: 0xFF),
        processorBased: control(lo: 0x0401_E172, hi: 0xFFF9_FFFE),
        exit: control(lo: 0x0003_6DFF, hi: 0x10FF_FFFF),
        entry: control(lo: 0x0000_11FF, hi: 0x0011_F3FF),
        misc: 4 << 16,
        secondaryProcessorBased: control(lo: 0, hi: 0xDFDF_FFFF),
        eptVPID: EPTCapabilities.modern.msr,
        truePinBased: control(lo: 0x16, hi: 0xFF),
        trueProcessorBased: control(lo: 0x0400_6172, hi: 0xFFF9_FFFE),
        trueExit: control(lo: 0x0003_6DFB, hi: 0x10FF_FFFF),
        trueEntry: control(lo: 0x0000_11FB, hi: 0x0011_F3FF),
        vmFunctions: 1,
        maxPhysicalAddressWidth: 46)

    /// A control capability MSR value from its allowed-0 (`lo`) and allowed-1 (`hi`) dwords.
    public static func control(lo: UInt32, hi: UInt32) -> UInt64 { UInt64(hi) << 32 | UInt64(lo) }

    /// Whether `value` is an allowed setting under capability MSR `msr`:
    /// `(value & lo) == lo && (value & ~hi) == 0` (DOMAIN.md §3.6; BOCHS, KUT, LNX-NESTED `vmx_control_verify`).
    public static func allows(_ value: UInt32, under msr: UInt64) -> Bool {
        let lo = UInt32(truncatingIfNeeded: msr)
        let hi = UInt32(truncatingIfNeeded: msr >> 32)
        return value & lo == lo && value & ~hi == 0
    }

    /// BASIC[30:0]: the VMCS revision identifier.
    public var revision: UInt32 { UInt32(truncatingIfNeeded: basic) & 0x7FFF_FFFF }
    /// BASIC[55]: the TRUE control MSRs exist and govern the checks.
    public var usesTrueControls: Bool { basic >> 55 & 1 == 1 }
    /// The pin-based MSR VM entry checks against.
    public var effectivePinBased: UInt64 { usesTrueControls ? truePinBased : pinBased }
    /// The primary processor-based MSR VM entry checks against.
    public var effectiveProcessorBased: UInt64 { usesTrueControls ? trueProcessorBased : processorBased }
    /// The exit-control MSR VM entry checks against.
    public var effectiveExit: UInt64 { usesTrueControls ? trueExit : exit }
    /// The entry-control MSR VM entry checks against.
    public var effectiveEntry: UInt64 { usesTrueControls ? trueEntry : entry }

    /// EPT capabilities from IA32_VMX_EPT_VPID_CAP and MAXPHYADDR.
    public var ept: EPTCapabilities {
        EPTCapabilities(msr: eptVPID, maxPhysicalAddressWidth: maxPhysicalAddressWidth)
    }
    /// Whether "VMCS shadowing" may be 1 (PROCBASED_CTLS2 allowed-1 bit 14); VMPTRLD
    /// accepts a shadow-VMCS indicator only then (§3.5).
    public var supportsVMCSShadowing: Bool { secondaryProcessorBased >> (32 + 14) & 1 == 1 }
    /// MISC[29]: VMWRITE may write VM-exit information fields.
    public var allowsVMWRITEToExitInformation: Bool { misc >> 29 & 1 == 1 }
    /// MISC[24:16]: the number of CR3-target values.
    public var cr3TargetLimit: Int { Int(misc >> 16 & 0x1FF) }

    /// Whether `address` is below 2^MAXPHYADDR.
    public func isPhysicalAddress(_ address: UInt64) -> Bool {
        address >> UInt64(maxPhysicalAddressWidth) == 0
    }

    /// The value of capability MSR `index` (0x480–0x491 as far as modelled), or nil.
    public func msr(_ index: UInt32) -> UInt64? {
        switch index {
        case 0x480: basic
        case 0x481: pinBased
        case 0x482: processorBased
        case 0x483: exit
        case 0x484: entry
        case 0x485: misc
        case 0x48B: secondaryProcessorBased
        case 0x48C: eptVPID
        case 0x48D: truePinBased
        case 0x48E: trueProcessorBased
        case 0x48F: trueExit
        case 0x490: trueEntry
        case 0x491: vmFunctions
        default: nil
        }
    }
}
