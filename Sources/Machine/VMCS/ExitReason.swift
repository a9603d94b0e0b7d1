/// The exit-reason field (VMCS 0x4402), DOMAIN.md §3.3 (BOCHS `vmx.h`, LNX-UAPI, KUT).
///
/// Bits 15:0 hold the basic reason; bit 31 marks a VM-entry failure; bits 27, 28
/// and 29 are enclave mode, pending MTF and exit from VMX root (dual-monitor).
public struct ExitReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The 32-bit field value.
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Bits 15:0.
    public var basic: UInt16 { UInt16(truncatingIfNeeded: rawValue) }
    /// Bit 31: the VM entry failed.
    public var isEntryFailure: Bool { rawValue & (1 << 31) != 0 }

    /// This basic reason with bit 31 (VM-entry failure) set.
    public var entryFailure: ExitReason { ExitReason(rawValue: rawValue | (1 << 31)) }

    /// Basic exit reason 0.
    public static let exceptionOrNMI = ExitReason(rawValue: 0)
    /// Basic exit reason 1.
    public static let externalInterrupt = ExitReason(rawValue: 1)
    /// Basic exit reason 2.
    public static let tripleFault = ExitReason(rawValue: 2)
    /// Basic exit reason 3.
    public static let initSignal = ExitReason(rawValue: 3)
    /// Basic exit reason 4.
    public static let sipi = ExitReason(rawValue: 4)
    /// Basic exit reason 5.
    public static let ioSMI = ExitReason(rawValue: 5)
    /// Basic exit reason 6.
    public static let otherSMI = ExitReason(rawValue: 6)
    /// Basic exit reason 7.
    public static let interruptWindow = ExitReason(rawValue: 7)
    /// Basic exit reason 8.
    public static let nmiWindow = ExitReason(rawValue: 8)
    /// Basic exit reason 9.
    public static let taskSwitch = ExitReason(rawValue: 9)
    /// Basic exit reason 10.
    public static let cpuid = ExitReason(rawValue: 10)
    /// Basic exit reason 11.
    public static let getsec = ExitReason(rawValue: 11)
    /// Basic exit reason 12.
    public static let hlt = ExitReason(rawValue: 12)
    /// Basic exit reason 13.
    public static let invd = ExitReason(rawValue: 13)
    /// Basic exit reason 14.
    public static let invlpg = ExitReason(rawValue: 14)
    /// Basic exit reason 15.
    public static let rdpmc = ExitReason(rawValue: 15)
    /// Basic exit reason 16.
    public static let rdtsc = ExitReason(rawValue: 16)
    /// Basic exit reason 17.
    public static let rsm = ExitReason(rawValue: 17)
    /// Basic exit reason 18.
    public static let vmcall = ExitReason(rawValue: 18)
    /// Basic exit reason 19.
    public static let vmclear = ExitReason(rawValue: 19)
    /// Basic exit reason 20.
    public static let vmlaunch = ExitReason(rawValue: 20)
    /// Basic exit reason 21.
    public static let vmptrld = ExitReason(rawValue: 21)
    /// Basic exit reason 22.
    public static let vmptrst = ExitReason(rawValue: 22)
    /// Basic exit reason 23.
    public static let vmread = ExitReason(rawValue: 23)
    /// Basic exit reason 24.
    public static let vmresume = ExitReason(rawValue: 24)
    /// Basic exit reason 25.
    public static let vmwrite = ExitReason(rawValue: 25)
    /// Basic exit reason 26.
    public static let vmxoff = ExitReason(rawValue: 26)
    /// Basic exit reason 27.
    public static let vmxon = ExitReason(rawValue: 27)
    /// Basic exit reason 28.
    public static let crAccess = ExitReason(rawValue: 28)
    /// Basic exit reason 29.
    public static let drAccess = ExitReason(rawValue: 29)
    /// Basic exit reason 30.
    public static let ioInstruction = ExitReason(rawValue: 30)
    /// Basic exit reason 31.
    public static let rdmsr = ExitReason(rawValue: 31)
    /// Basic exit reason 32.
    public static let wrmsr = ExitReason(rawValue: 32)
    /// 33: VM-entry failure due to invalid guest state (reported as 0x80000021).
    public static let invalidGuestState = ExitReason(rawValue: 33)
    /// 34: VM-entry failure due to MSR loading (reported as 0x80000022).
    public static let msrLoading = ExitReason(rawValue: 34)
    /// Basic exit reason 36.
    public static let mwait = ExitReason(rawValue: 36)
    /// Basic exit reason 37.
    public static let monitorTrapFlag = ExitReason(rawValue: 37)
    /// Basic exit reason 39.
    public static let monitor = ExitReason(rawValue: 39)
    /// Basic exit reason 40.
    public static let pause = ExitReason(rawValue: 40)
    /// Basic exit reason 41.
    public static let machineCheckDuringEntry = ExitReason(rawValue: 41)
    /// Basic exit reason 43.
    public static let tprBelowThreshold = ExitReason(rawValue: 43)
    /// Basic exit reason 44.
    public static let apicAccess = ExitReason(rawValue: 44)
    /// Basic exit reason 45.
    public static let virtualizedEOI = ExitReason(rawValue: 45)
    /// Basic exit reason 46.
    public static let gdtrIdtrAccess = ExitReason(rawValue: 46)
    /// Basic exit reason 47.
    public static let ldtrTrAccess = ExitReason(rawValue: 47)
    /// Basic exit reason 48.
    public static let eptViolation = ExitReason(rawValue: 48)
    /// Basic exit reason 49.
    public static let eptMisconfiguration = ExitReason(rawValue: 49)
    /// Basic exit reason 50.
    public static let invept = ExitReason(rawValue: 50)
    /// Basic exit reason 51.
    public static let rdtscp = ExitReason(rawValue: 51)
    /// Basic exit reason 52.
    public static let preemptionTimer = ExitReason(rawValue: 52)
    /// Basic exit reason 53.
    public static let invvpid = ExitReason(rawValue: 53)
    /// Basic exit reason 54.
    public static let wbinvd = ExitReason(rawValue: 54)
    /// Basic exit reason 55.
    public static let xsetbv = ExitReason(rawValue: 55)
    /// Basic exit reason 56.
    public static let apicWrite = ExitReason(rawValue: 56)
    /// Basic exit reason 57.
    public static let rdrand = ExitReason(rawValue: 57)
    /// Basic exit reason 58.
    public static let invpcid = ExitReason(rawValue: 58)
    /// Basic exit reason 59.
    public static let vmfunc = ExitReason(rawValue: 59)
    /// Basic exit reason 60.
    public static let encls = ExitReason(rawValue: 60)
    /// Basic exit reason 61.
    public static let rdseed = ExitReason(rawValue: 61)
    /// Basic exit reason 62.
    public static let pmlFull = ExitReason(rawValue: 62)
    /// Basic exit reason 63.
    public static let xsaves = ExitReason(rawValue: 63)
    /// Basic exit reason 64.
    public static let xrstors = ExitReason(rawValue: 64)
    /// Basic exit reason 65.
    public static let pconfig = ExitReason(rawValue: 65)
    /// Basic exit reason 66.
    public static let sppEvent = ExitReason(rawValue: 66)
    /// Basic exit reason 67.
    public static let umwait = ExitReason(rawValue: 67)
    /// Basic exit reason 68.
    public static let tpause = ExitReason(rawValue: 68)
    /// Basic exit reason 69.
    public static let loadiwkey = ExitReason(rawValue: 69)
    /// Basic exit reason 70.
    public static let enclv = ExitReason(rawValue: 70)
    /// Basic exit reason 72.
    public static let enqcmdPASIDFailure = ExitReason(rawValue: 72)
    /// Basic exit reason 73.
    public static let enqcmdsPASIDFailure = ExitReason(rawValue: 73)
    /// Basic exit reason 74.
    public static let busLock = ExitReason(rawValue: 74)
    /// Basic exit reason 75.
    public static let instructionTimeout = ExitReason(rawValue: 75)
    /// Basic exit reason 76.
    public static let seamcall = ExitReason(rawValue: 76)
    /// Basic exit reason 77.
    public static let tdcall = ExitReason(rawValue: 77)
    /// Basic exit reason 78.
    public static let rdmsrlist = ExitReason(rawValue: 78)
    /// Basic exit reason 79.
    public static let wrmsrlist = ExitReason(rawValue: 79)
    /// Basic exit reason 80.
    public static let urdmsr = ExitReason(rawValue: 80)
    /// Basic exit reason 81.
    public static let uwrmsr = ExitReason(rawValue: 81)
    /// Basic exit reason 84.
    public static let rdmsrImmediate = ExitReason(rawValue: 84)
    /// Basic exit reason 85.
    public static let wrmsrnsImmediate = ExitReason(rawValue: 85)

    /// 0x80000021: VM entry failed on guest state (qualification 0/2/3/4).
    public static let entryFailureGuestState = invalidGuestState.entryFailure
    /// 0x80000022: VM entry failed loading MSRs (qualification = 1-based entry index).
    public static let entryFailureMSRLoading = msrLoading.entryFailure

    public var description: String {
        "0x" + String(rawValue, radix: 16, uppercase: true) + " (basic \(basic)"
            + (isEntryFailure ? ", entry failure)" : ")")
    }
}

/// Exit qualifications of a VM-entry failure due to invalid guest state (reason 33),
/// DOMAIN.md §3.3 (KUT `enum vm_entry_failure_code`; LNX-VMX).
public enum EntryFailureQualification {
    /// 0: default.
    public static let `default`: UInt64 = 0
    /// 2: PDPTE loading failed.
    public static let pdpteLoad: UInt64 = 2
    /// 3: NMI injection.
    public static let nmiInjection: UInt64 = 3
    /// 4: invalid VMCS link pointer.
    public static let vmcsLinkPointer: UInt64 = 4
}
