/// VM-instruction error numbers (VMCS 0x4400), DOMAIN.md §3.4 (LNX-VMX
/// `enum vm_instruction_error_number`, BOCHS `VMX_error_code`, KUT).
public struct VMInstructionError: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The error number.
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// 1: VMCALL executed in VMX root operation.
    public static let vmcallInRoot = Self(rawValue: 1)
    /// 2: VMCLEAR with invalid physical address.
    public static let vmclearInvalidAddress = Self(rawValue: 2)
    /// 3: VMCLEAR with VMXON pointer.
    public static let vmclearVMXONPointer = Self(rawValue: 3)
    /// 4: VMLAUNCH with non-clear VMCS.
    public static let vmlaunchNonClear = Self(rawValue: 4)
    /// 5: VMRESUME with non-launched VMCS.
    public static let vmresumeNonLaunched = Self(rawValue: 5)
    /// 6: VMRESUME after VMXOFF (VMCS corrupted).
    public static let vmresumeAfterVMXOFF = Self(rawValue: 6)
    /// 7: VM entry with invalid control field(s).
    public static let entryInvalidControls = Self(rawValue: 7)
    /// 8: VM entry with invalid host-state field(s).
    public static let entryInvalidHostState = Self(rawValue: 8)
    /// 9: VMPTRLD with invalid physical address.
    public static let vmptrldInvalidAddress = Self(rawValue: 9)
    /// 10: VMPTRLD with VMXON pointer.
    public static let vmptrldVMXONPointer = Self(rawValue: 10)
    /// 11: VMPTRLD with incorrect VMCS revision identifier.
    public static let vmptrldBadRevision = Self(rawValue: 11)
    /// 12: VMREAD/VMWRITE from/to unsupported VMCS component.
    public static let unsupportedComponent = Self(rawValue: 12)
    /// 13: VMWRITE to read-only VMCS component.
    public static let vmwriteReadOnly = Self(rawValue: 13)
    /// 15: VMXON executed in VMX root operation.
    public static let vmxonInRoot = Self(rawValue: 15)
    /// 16: VM entry with invalid executive-VMCS pointer.
    public static let entryInvalidExecutiveVMCS = Self(rawValue: 16)
    /// 17: VM entry with non-launched executive VMCS.
    public static let entryNonLaunchedExecutiveVMCS = Self(rawValue: 17)
    /// 18: VM entry with executive-VMCS pointer not VMXON pointer.
    public static let entryExecutiveNotVMXON = Self(rawValue: 18)
    /// 19: VMCALL with non-clear VMCS.
    public static let vmcallNonClear = Self(rawValue: 19)
    /// 20: VMCALL with invalid VM-exit control fields.
    public static let vmcallInvalidExitControls = Self(rawValue: 20)
    /// 22: VMCALL with incorrect MSEG revision identifier.
    public static let vmcallBadMSEGRevision = Self(rawValue: 22)
    /// 23: VMXOFF under dual-monitor treatment of SMIs and SMM.
    public static let vmxoffDualMonitor = Self(rawValue: 23)
    /// 24: VMCALL with invalid SMM-monitor features.
    public static let vmcallInvalidSMMFeatures = Self(rawValue: 24)
    /// 25: VM entry with invalid VM-execution control fields in executive VMCS.
    public static let entryInvalidExecutiveControls = Self(rawValue: 25)
    /// 26: VM entry with events blocked by MOV SS.
    public static let entryBlockedByMovSS = Self(rawValue: 26)
    /// 28: invalid operand to INVEPT/INVVPID.
    public static let invalidInveptInvvpidOperand = Self(rawValue: 28)

    static let names: [UInt32: String] = [
        1: "VMCALL executed in VMX root operation", 2: "VMCLEAR with invalid physical address",
        3: "VMCLEAR with VMXON pointer", 4: "VMLAUNCH with non-clear VMCS",
        5: "VMRESUME with non-launched VMCS", 6: "VMRESUME after VMXOFF",
        7: "VM entry with invalid control field(s)", 8: "VM entry with invalid host-state field(s)",
        9: "VMPTRLD with invalid physical address", 10: "VMPTRLD with VMXON pointer",
        11: "VMPTRLD with incorrect VMCS revision identifier",
        12: "VMREAD/VMWRITE from/to unsupported VMCS component",
        13: "VMWRITE to read-only VMCS component", 15: "VMXON executed in VMX root operation",
        16: "VM entry with invalid executive-VMCS pointer", 17: "VM entry with non-launched executive VMCS",
        18: "VM entry with executive-VMCS pointer not VMXON pointer",
        19: "VMCALL with non-clear VMCS", 20: "VMCALL with invalid VM-exit control fields",
        22: "VMCALL with incorrect MSEG revision identifier",
        23: "VMXOFF under dual-monitor treatment of SMIs and SMM",
        24: "VMCALL with invalid SMM-monitor features",
        25: "VM entry with invalid VM-execution control fields in executive VMCS",
        26: "VM entry with events blocked by MOV SS", 28: "invalid operand to INVEPT/INVVPID",
    ]

    /// The SDM's wording for this error, or nil for reserved numbers (14, 21, 27, …).
    public var name: String? { Self.names[rawValue] }

    public var description: String { "\(rawValue) (\(name ?? "reserved"))" }
}
