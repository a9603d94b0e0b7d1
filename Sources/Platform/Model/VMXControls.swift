/// The VM-execution, VM-exit and VM-entry control fields and the names of their bits.
/// Sources: shared/DOMAIN.md §3.6 (SDM vol. 3C ch. 25; Bochs `vmx_ctrls.h`; Linux `vmxfeatures.h`).
public enum ControlField: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case pin
    case primary
    case secondary
    case exit = "exit-controls"
    case entry = "entry-controls"

    public var description: String { rawValue }

    /// VMCS encoding of the 32-bit field (DOMAIN.md §3.2).
    public var encoding: UInt32 {
        switch self {
        case .pin: 0x4000
        case .primary: 0x4002
        case .secondary: 0x401E
        case .exit: 0x400C
        case .entry: 0x4012
        }
    }

    /// Bit names of this field, in the spelling `.moat` files use.
    public var bits: [String: Int] {
        switch self {
        case .pin: VMXControls.pin
        case .primary: VMXControls.primary
        case .secondary: VMXControls.secondary
        case .exit: VMXControls.exit
        case .entry: VMXControls.entry
        }
    }
}

/// Named control bits.
public enum VMXControls {
    public static let pin: [String: Int] = [
        "external-interrupt-exiting": 0, "nmi-exiting": 3, "virtual-nmis": 5, "preemption-timer": 6,
        "posted-interrupts": 7,
    ]
    public static let primary: [String: Int] = [
        "interrupt-window-exiting": 2, "tsc-offsetting": 3, "hlt-exiting": 7, "invlpg-exiting": 9,
        "mwait-exiting": 10, "rdpmc-exiting": 11, "rdtsc-exiting": 12, "cr3-load-exiting": 15,
        "cr3-store-exiting": 16, "activate-tertiary-controls": 17, "cr8-load-exiting": 19,
        "cr8-store-exiting": 20, "use-tpr-shadow": 21, "nmi-window-exiting": 22, "mov-dr-exiting": 23,
        "unconditional-io-exiting": 24, "use-io-bitmaps": 25, "monitor-trap-flag": 27, "use-msr-bitmaps": 28,
        "monitor-exiting": 29, "pause-exiting": 30, "activate-secondary-controls": 31,
    ]
    public static let secondary: [String: Int] = [
        "virtualize-apic-accesses": 0, "enable-ept": 1, "descriptor-table-exiting": 2, "enable-rdtscp": 3,
        "virtualize-x2apic-mode": 4, "enable-vpid": 5, "wbinvd-exiting": 6, "unrestricted-guest": 7,
        "apic-register-virtualization": 8, "virtual-interrupt-delivery": 9, "pause-loop-exiting": 10,
        "rdrand-exiting": 11, "enable-invpcid": 12, "enable-vm-functions": 13, "vmcs-shadowing": 14,
        "encls-exiting": 15, "rdseed-exiting": 16, "enable-pml": 17, "ept-violation-ve": 18,
        "conceal-vmx-from-pt": 19, "enable-xsaves": 20, "mode-based-execute": 22,
        "sub-page-write-permissions": 23, "pt-uses-guest-physical": 24, "tsc-scaling": 25,
        "enable-user-wait-pause": 26, "enable-pconfig": 27, "enclv-exiting": 28, "bus-lock-detection": 30,
        "instruction-timeout": 31,
    ]
    public static let exit: [String: Int] = [
        "save-debug-controls": 2, "host-address-space-size": 9, "load-perf-global-ctrl": 12,
        "acknowledge-interrupt-on-exit": 15, "save-pat": 18, "load-pat": 19, "save-efer": 20, "load-efer": 21,
        "save-preemption-timer": 22, "clear-bndcfgs": 23, "load-cet": 28, "activate-secondary-exit-controls": 31,
    ]
    public static let entry: [String: Int] = [
        "load-debug-controls": 2, "ia32e-mode-guest": 9, "entry-to-smm": 10, "deactivate-dual-monitor": 11,
        "load-perf-global-ctrl": 13, "load-pat": 14, "load-efer": 15, "load-bndcfgs": 16, "load-cet": 20,
    ]

    // Bits Moat's semantics depend on.
    public static let primaryUnconditionalIO = 24
    public static let primaryUseIOBitmaps = 25
    public static let primaryUseMSRBitmaps = 28
    public static let primaryActivateSecondary = 31
    public static let secondaryEnableEPT = 1
    public static let secondaryUnrestrictedGuest = 7
    public static let secondaryEnableVMFunctions = 13
    public static let secondaryVMCSShadowing = 14
    public static let secondaryModeBasedExecute = 22
}
