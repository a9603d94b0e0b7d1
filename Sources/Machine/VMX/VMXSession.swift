/// One line of a VMX script (`moat vmx run`): a setting of the processor or memory, or
/// an instruction. The text form is parsed by the command-line tool; the machine only
/// executes the commands.
public enum VMXCommand: Hashable, Sendable {
    // Settings
    /// IA32_VMX_BASIC[30:0]: the VMCS revision identifier.
    case revision(UInt32)
    /// MAXPHYADDR (32...52).
    case maxPhysicalAddress(Int)
    /// The value of a VMX capability MSR (0x480–0x491 as far as modelled).
    case capability(msr: UInt32, value: UInt64)
    /// CR4.VMXE.
    case vmxe(Bool)
    /// The current privilege level (0...3).
    case cpl(Int)
    /// IA32_FEATURE_CONTROL (0x3A).
    case featureControl(UInt64)
    /// An erratum the processor has.
    case erratum(Erratum)
    /// An MSR that exists beyond the architectural set.
    case msrExists(UInt32)
    /// A little-endian quadword at an 8-aligned host-physical address.
    case quadword(address: UInt64, value: UInt64)
    /// The revision identifier (and shadow-VMCS indicator) written at a region's start.
    case vmcsRegion(address: UInt64, shadow: Bool)
    /// Blocking by MOV SS.
    case movSSBlocking(Bool)

    // VMX instructions
    case vmxon(UInt64)
    case vmxoff
    case vmclear(UInt64)
    case vmptrld(UInt64)
    case vmptrst
    case vmread(UInt32)
    case vmwrite(UInt32, UInt64)
    case vmlaunch
    case vmresume
    case vmcall
    // Guest instructions (VMX non-root)
    case io(port: UInt16, size: Int, isIn: Bool)
    case rdmsr(UInt32)
    case wrmsr(UInt32, UInt64)
    case cpuid
    /// A guest memory access to a guest-physical address through EPT.
    case access(EPTAccess, gpa: UInt64)
    /// VMFUNC with EAX = function and ECX = index.
    case vmfunc(function: UInt32, index: UInt32)

    /// Whether the command is an instruction (whose outcome is reported).
    public var isInstruction: Bool {
        switch self {
        case .revision, .maxPhysicalAddress, .capability, .vmxe, .cpl, .featureControl, .erratum, .msrExists,
             .quadword, .vmcsRegion, .movSSBlocking:
            false
        default:
            true
        }
    }

    /// Whether the instruction runs in a guest (VMX non-root operation).
    public var isGuestInstruction: Bool {
        switch self {
        case .io, .rdmsr, .wrmsr, .cpuid, .access: true
        default: false
        }
    }
}

/// What an instruction of a VMX script did.
public enum VMXStepResult: Hashable, Sendable, CustomStringConvertible {
    /// The outcome the processor reports.
    case outcome(VMXOutcome)
    /// A guest instruction outside VMX non-root operation (no VMX semantics apply).
    case notInGuest

    public var description: String {
        switch self {
        case .outcome(let o): o.description
        case .notInGuest: "not in VMX non-root operation"
        }
    }
}

/// A processor and its memory driven by a VMX script.
public struct VMXSession: Sendable {
    public var cpu: VMXCPU
    public var memory: PhysicalMemory

    /// A modern processor (``VMXCapabilities/modern``) outside VMX operation, CR4.VMXE = 1, CPL 0.
    public init(capabilities: VMXCapabilities = .modern) {
        cpu = VMXCPU(capabilities: capabilities)
        memory = PhysicalMemory()
    }

    /// Executes one command; returns the result of an instruction, nil for a setting.
    ///
    /// - Precondition: a quadword address is 8-aligned and below 2^52; a MAXPHYADDR is
    ///   32...52 (the parser checks both).
    public mutating func execute(_ command: VMXCommand) -> VMXStepResult? {
        switch command {
        case .revision(let r):
            cpu.capabilities.basic = (cpu.capabilities.basic & ~0x7FFF_FFFF) | UInt64(r & 0x7FFF_FFFF)
        case .maxPhysicalAddress(let n):
            cpu.capabilities.maxPhysicalAddressWidth = n
        case .capability(let msr, let value):
            cpu.capabilities.setMSR(msr, value)
        case .vmxe(let on):
            cpu.cr4VMXE = on
        case .cpl(let level):
            cpu.cpl = level
        case .featureControl(let value):
            cpu.featureControl = value
        case .erratum(let e):
            cpu.errata.insert(e)
        case .msrExists(let msr):
            cpu.existingMSRs.insert(msr)
        case .quadword(let address, let value):
            memory.write64(value, at: address)
        case .vmcsRegion(let address, let shadow):
            VMCSRegion.initialize(at: address, revision: cpu.capabilities.revision, shadow: shadow, in: &memory)
        case .movSSBlocking(let on):
            cpu.blockedByMovSS = on
        case .vmxon(let a): return .outcome(cpu.vmxon(a, memory: memory))
        case .vmxoff: return .outcome(cpu.vmxoff())
        case .vmclear(let a): return .outcome(cpu.vmclear(a))
        case .vmptrld(let a): return .outcome(cpu.vmptrld(a, memory: memory))
        case .vmptrst: return .outcome(cpu.vmptrst())
        case .vmread(let f): return .outcome(cpu.vmread(VMCSField(rawValue: f)))
        case .vmwrite(let f, let v): return .outcome(cpu.vmwrite(VMCSField(rawValue: f), v))
        case .vmlaunch: return .outcome(cpu.vmlaunch(memory: &memory))
        case .vmresume: return .outcome(cpu.vmresume(memory: &memory))
        case .vmcall: return .outcome(cpu.vmcall())
        case .vmfunc(let function, let index): return .outcome(cpu.vmfunc(function: function, index: index, memory: memory))
        case .io, .rdmsr, .wrmsr, .cpuid, .access:
            if cpu.isShutDown { return .outcome(.shutdown) }
            guard cpu.mode == .nonRoot else { return .notInGuest }
            switch command {
            case .io(let port, let size, let isIn):
                return .outcome(cpu.guestIO(IOInstruction(port: port, size: size, isIn: isIn), memory: memory))
            case .rdmsr(let msr): return .outcome(cpu.guestRDMSR(msr, memory: memory))
            case .wrmsr(let msr, let value): return .outcome(cpu.guestWRMSR(msr, value: value, memory: memory))
            case .cpuid: return .outcome(cpu.guestCPUID())
            case .access(let access, let gpa): return .outcome(cpu.guestAccess(gpa, access: access, memory: &memory))
            default: return nil
            }
        }
        return nil
    }
}

extension VMXCapabilities {
    /// Sets capability MSR `index`; returns false for an MSR that is not one of the
    /// modelled capability MSRs (0x480–0x485, 0x48B–0x491).
    @discardableResult
    public mutating func setMSR(_ index: UInt32, _ value: UInt64) -> Bool {
        switch index {
        case 0x480: basic = value
        case 0x481: pinBased = value
        case 0x482: processorBased = value
        case 0x483: exit = value
        case 0x484: entry = value
        case 0x485: misc = value
        case 0x48B: secondaryProcessorBased = value
        case 0x48C: eptVPID = value
        case 0x48D: truePinBased = value
        case 0x48E: trueProcessorBased = value
        case 0x48F: trueExit = value
        case 0x490: trueEntry = value
        case 0x491: vmFunctions = value
        default: return false
        }
        return true
    }
}
