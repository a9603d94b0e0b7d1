/// One logical processor's VMX state and its VMX instructions (DOMAIN.md §3.5–3.6).
///
/// Instructions are mutating methods that return a ``VMXOutcome``; memory is passed
/// in because VMCS, VMXON and MSR-load regions, bitmaps and EPT structures live
/// there. VMCS data is kept per region address in ``vmcsData`` (the SDM leaves its
/// in-memory layout implementation-defined); the revision word is read from memory.
///
/// Not modelled: CR0/CR4 fixed bits and A20M at VMXON, compatibility and virtual-8086
/// mode, SMX, SMM and the dual-monitor treatment (so VMCALL in root always fails
/// with error 1), host-state checks (error 8) and guest-state checks other than
/// the VMCS link pointer.
public struct VMXCPU: Sendable {
    /// Whether the processor is in VMX operation, and in which mode.
    public enum Mode: Hashable, Sendable {
        /// Not in VMX operation.
        case outside
        /// VMX root operation (the hypervisor).
        case root
        /// VMX non-root operation (a guest).
        case nonRoot
    }

    /// The capability MSRs and MAXPHYADDR.
    public var capabilities: VMXCapabilities
    /// CR4.VMXE (bit 13).
    public var cr4VMXE = true
    /// The current privilege level.
    public var cpl = 0
    /// IA32_FEATURE_CONTROL (0x3A): bit 0 lock, bit 2 VMX outside SMX; locked and enabled by default.
    public var featureControl: UInt64 = 0x5
    /// Blocking by MOV SS is in effect (VM entry fails with error 26).
    public var blockedByMovSS = false
    /// Errata this processor exhibits.
    public var errata: Set<Erratum> = []
    /// MSRs that exist (RDMSR/WRMSR do not #GP for being absent).
    public var existingMSRs = MSRSet.architectural
    /// Existing MSRs that WRMSR (and so VM-entry MSR loading) cannot write.
    public var readOnlyMSRs = MSRSet.readOnly
    /// Values of MSRs written by VM-entry MSR loading or a native guest WRMSR.
    public var msrValues: [UInt32: UInt64] = [:]

    /// Root, non-root, or outside VMX operation.
    public internal(set) var mode: Mode = .outside
    /// The VMXON pointer while in VMX operation.
    public internal(set) var vmxonPointer: UInt64?
    /// The current-VMCS pointer, nil when invalid (VMPTRST then stores all ones).
    public internal(set) var currentVMCSPointer: UInt64?
    /// VMCS data by region address.
    public internal(set) var vmcsData: [UInt64: VMCS] = [:]
    /// Whether the platform has shut down; every later instruction reports `.shutdown`.
    public internal(set) var isShutDown = false

    /// A processor outside VMX operation with CR4.VMXE = 1 and CPL 0.
    public init(capabilities: VMXCapabilities = .modern) {
        self.capabilities = capabilities
    }

    /// The current VMCS, if the current-VMCS pointer is valid.
    public var currentVMCS: VMCS? {
        currentVMCSPointer.flatMap { vmcsData[$0] }
    }

    /// Reads or writes fields of the current VMCS directly, as a test harness or a
    /// hypervisor model would (no VMX-instruction semantics).
    ///
    /// - Precondition: there is a current VMCS.
    public var vmcs: VMCS {
        get { currentVMCS! }
        set {
            precondition(currentVMCSPointer != nil, "no current VMCS")
            vmcsData[currentVMCSPointer!] = newValue
        }
    }

    // MARK: Shared outcome helpers

    /// VMfail(n): VMfailValid with `error` stored when there is a current VMCS,
    /// otherwise VMfailInvalid (DOMAIN.md §3.5; BOCHS `VMfail()`).
    mutating func vmfail(_ error: VMInstructionError) -> VMXOutcome {
        guard let pointer = currentVMCSPointer else { return .failInvalid }
        vmcsData[pointer, default: VMCS()][.vmInstructionError] = UInt64(error.rawValue)
        return .failValid(error)
    }

    /// Records a VM exit in the current VMCS and returns to VMX root operation.
    mutating func exit(_ exit: VMExit, guestLinearAddress: UInt64? = nil) -> VMXOutcome {
        if let pointer = currentVMCSPointer {
            vmcsData[pointer, default: VMCS()][.exitReason] = UInt64(exit.reason.rawValue)
            vmcsData[pointer, default: VMCS()][.exitQualification] = exit.qualification
            if let gpa = exit.guestPhysicalAddress {
                vmcsData[pointer, default: VMCS()][.guestPhysicalAddress] = gpa
            }
            if let gla = guestLinearAddress {
                vmcsData[pointer, default: VMCS()][.guestLinearAddress] = gla
            }
        }
        mode = .root
        return .vmExit(exit)
    }

    /// A VM exit with a basic reason and qualification.
    mutating func exit(_ reason: ExitReason, qualification: UInt64 = 0) -> VMXOutcome {
        exit(VMExit(reason: reason, qualification: qualification))
    }

    /// The common prologue of VMX instructions other than VMXON and VMCALL:
    /// #UD outside VMX operation, a VM exit with `reason` in non-root, #GP(0) at
    /// CPL > 0 (the CPL check comes after the VM-exit check, §3.5). Nil means "go on".
    mutating func rootPrologue(exitReason reason: ExitReason) -> VMXOutcome? {
        if isShutDown { return .shutdown }
        switch mode {
        case .outside: return .undefinedOpcode
        case .nonRoot: return exit(reason)
        case .root: return cpl > 0 ? .generalProtection : nil
        }
    }
}
