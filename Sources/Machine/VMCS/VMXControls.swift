// VM-execution, VM-exit and VM-entry control bits (DOMAIN.md §3.6; LNX-VMX, BOCHS
// `vmx_ctrls.h`). Only the bits the machine interprets are named; the raw values
// keep every bit, so allowed-settings checks see all of them.

/// Pin-based VM-execution controls (VMCS 0x4000).
public struct PinBasedControls: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Bit 0.
    public static let externalInterruptExiting = Self(rawValue: 1 << 0)
    /// Bit 3.
    public static let nmiExiting = Self(rawValue: 1 << 3)
    /// Bit 5 (requires NMI exiting).
    public static let virtualNMIs = Self(rawValue: 1 << 5)
    /// Bit 6.
    public static let preemptionTimer = Self(rawValue: 1 << 6)
    /// Bit 7.
    public static let postedInterrupts = Self(rawValue: 1 << 7)
}

/// Primary processor-based VM-execution controls (VMCS 0x4002).
public struct PrimaryProcessorControls: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Bit 2.
    public static let interruptWindowExiting = Self(rawValue: 1 << 2)
    /// Bit 7.
    public static let hltExiting = Self(rawValue: 1 << 7)
    /// Bit 17: activate tertiary controls.
    public static let activateTertiaryControls = Self(rawValue: 1 << 17)
    /// Bit 21.
    public static let useTPRShadow = Self(rawValue: 1 << 21)
    /// Bit 22 (requires virtual NMIs).
    public static let nmiWindowExiting = Self(rawValue: 1 << 22)
    /// Bit 24: every I/O instruction exits (ignored when bit 25 is set).
    public static let unconditionalIOExiting = Self(rawValue: 1 << 24)
    /// Bit 25: I/O bitmaps A and B decide which ports exit.
    public static let useIOBitmaps = Self(rawValue: 1 << 25)
    /// Bit 28: the MSR bitmap decides which RDMSR/WRMSR exit.
    public static let useMSRBitmaps = Self(rawValue: 1 << 28)
    /// Bit 31: the secondary controls apply (otherwise they are treated as 0).
    public static let activateSecondaryControls = Self(rawValue: 1 << 31)
}

/// Secondary processor-based VM-execution controls (VMCS 0x401E).
public struct SecondaryProcessorControls: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Bit 0.
    public static let virtualizeAPICAccesses = Self(rawValue: 1 << 0)
    /// Bit 1.
    public static let enableEPT = Self(rawValue: 1 << 1)
    /// Bit 4 (incompatible with bit 0).
    public static let virtualizeX2APICMode = Self(rawValue: 1 << 4)
    /// Bit 5 (VPID field must be nonzero).
    public static let enableVPID = Self(rawValue: 1 << 5)
    /// Bit 7 (requires EPT).
    public static let unrestrictedGuest = Self(rawValue: 1 << 7)
    /// Bit 13.
    public static let enableVMFunctions = Self(rawValue: 1 << 13)
    /// Bit 14.
    public static let vmcsShadowing = Self(rawValue: 1 << 14)
    /// Bit 17 (requires EPT).
    public static let enablePML = Self(rawValue: 1 << 17)
    /// Bit 18.
    public static let eptViolationVE = Self(rawValue: 1 << 18)
    /// Bit 22 (requires EPT).
    public static let modeBasedExecuteControl = Self(rawValue: 1 << 22)
    /// Bit 23 (requires EPT).
    public static let subPageWritePermissions = Self(rawValue: 1 << 23)
}

/// Primary VM-exit controls (VMCS 0x400C).
public struct VMExitControls: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Bit 9.
    public static let hostAddressSpaceSize = Self(rawValue: 1 << 9)
    /// Bit 15.
    public static let acknowledgeInterruptOnExit = Self(rawValue: 1 << 15)
}

/// VM-entry controls (VMCS 0x4012).
public struct VMEntryControls: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// Bit 9.
    public static let ia32eModeGuest = Self(rawValue: 1 << 9)
    /// Bit 10.
    public static let entryToSMM = Self(rawValue: 1 << 10)
    /// Bit 11.
    public static let deactivateDualMonitor = Self(rawValue: 1 << 11)
}

/// VM-function controls (VMCS 0x2018, 64 bits).
public struct VMFunctionControls: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    /// Bit 0: EPTP switching (VMFUNC leaf 0).
    public static let eptpSwitching = Self(rawValue: 1 << 0)
}
