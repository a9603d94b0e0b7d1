/// A VM exit (or VM-entry failure) as the processor reports it in the VMCS.
public struct VMExit: Hashable, Sendable, CustomStringConvertible {
    /// The exit-reason field (0x4402), with bit 31 for VM-entry failures.
    public var reason: ExitReason
    /// The exit qualification (0x6400).
    public var qualification: UInt64
    /// The guest-physical address (0x2400) for EPT violations and misconfigurations.
    public var guestPhysicalAddress: UInt64?

    /// Describes an exit.
    public init(reason: ExitReason, qualification: UInt64 = 0, guestPhysicalAddress: UInt64? = nil) {
        self.reason = reason
        self.qualification = qualification
        self.guestPhysicalAddress = guestPhysicalAddress
    }

    public var description: String {
        var text = "VM exit \(reason), qualification 0x\(String(qualification, radix: 16))"
        if let gpa = guestPhysicalAddress { text += ", GPA 0x\(String(gpa, radix: 16))" }
        return text
    }
}

/// What an instruction did: DOMAIN.md §3.5.
public enum VMXOutcome: Hashable, Sendable, CustomStringConvertible {
    /// VMsucceed: CF = PF = AF = ZF = SF = OF = 0.
    case succeed
    /// VMsucceed with a result: the value VMREAD or VMPTRST stores, or the value a
    /// guest RDMSR reads natively.
    case value(UInt64)
    /// VMfailInvalid: CF = 1, no error number stored (no current VMCS).
    case failInvalid
    /// VMfailValid(n): ZF = 1, `n` stored in the VM-instruction error field (0x4400).
    case failValid(VMInstructionError)
    /// #UD.
    case undefinedOpcode
    /// #GP(0).
    case generalProtection
    /// A VM exit from the guest, or a VM-entry failure reported as a VM exit.
    case vmExit(VMExit)
    /// VMLAUNCH/VMRESUME succeeded: the processor now runs the guest.
    case guestEntered
    /// A guest instruction completed in VMX non-root operation without a VM exit.
    case completed
    /// A guest memory access was allowed; the byte lives at `hpa`.
    case translated(hpa: UInt64)
    /// The platform shut down (e.g. erratum SKL031 on an MSR-load of a missing MSR).
    case shutdown

    public var description: String {
        switch self {
        case .succeed: "VMsucceed"
        case .value(let v): "VMsucceed(0x\(String(v, radix: 16)))"
        case .failInvalid: "VMfailInvalid"
        case .failValid(let e): "VMfailValid(\(e))"
        case .undefinedOpcode: "#UD"
        case .generalProtection: "#GP(0)"
        case .vmExit(let exit): exit.description
        case .guestEntered: "guest entered"
        case .completed: "completed in guest"
        case .translated(let hpa): "translated to 0x\(String(hpa, radix: 16))"
        case .shutdown: "shutdown"
        }
    }
}

/// Processor errata the machine can reproduce.
public enum Erratum: String, Hashable, Sendable, CaseIterable {
    /// SKL031 (6th-generation Core specification update): "A VMX transition attempting
    /// to load a non-existent MSR may result in a shutdown" (DOMAIN.md §7).
    case skl031
}
