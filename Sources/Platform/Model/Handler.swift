/// What makes the hypervisor or SMM run a handler.
public enum Trigger: Hashable, Sendable, CustomStringConvertible {
    /// VMCALL with this call code in RAX (parameters in the following registers).
    case hypercall(UInt64)
    /// A VM exit for an I/O instruction on ports `low...high`.
    case io(low: UInt32, high: UInt32, direction: Direction)
    /// A VM exit for RDMSR/WRMSR of MSRs `low...high`.
    case msr(low: UInt32, high: UInt32, direction: Direction)
    /// An EPT violation on guest-physical `[gpa, gpa+size)` that the hypervisor emulates (MMIO).
    case mmio(gpa: UInt64, size: UInt64, direction: Direction)
    /// A VM exit for CPUID.
    case cpuid
    /// A software SMI: an OUT of this number to port 0xB2 (APM_CNT) that reaches the chipset.
    case smi(UInt8)

    public enum Direction: String, Hashable, Sendable {
        case read, write, both
    }

    /// The parameters a handler of this trigger has without declaring them.
    public var implicitParameters: [String] {
        switch self {
        case .hypercall, .smi: []
        case .io: ["port", "size", "value"]
        case .msr: ["msr", "value"]
        case .mmio: ["gpa", "offset", "size", "value"]
        case .cpuid: ["leaf", "subleaf"]
        }
    }

    public var description: String {
        switch self {
        case .hypercall(let n): "hypercall \(hex(n))"
        case .io(let l, let h, let d): "exit io \(hex(UInt64(l)))\(l == h ? "" : "..\(hex(UInt64(h)))")\(d == .both ? "" : " \(d.rawValue)")"
        case .msr(let l, let h, let d): "exit msr \(hex(UInt64(l)))\(l == h ? "" : "..\(hex(UInt64(h)))")\(d == .both ? "" : " \(d.rawValue)")"
        case .mmio(let g, let s, _): "exit mmio \(hex(g)) size \(hex(s))"
        case .cpuid: "exit cpuid"
        case .smi(let n): "smi \(hex(UInt64(n)))"
        }
    }
}

/// A hypercall, VM-exit or SMI handler: parameters the caller controls, guards, and effects.
public struct Handler: Hashable, Sendable {
    public var trigger: Trigger
    /// An optional human name (`"copy_to_guest"`).
    public var name: String?
    /// Caller-controlled values, in register (or comm-buffer) order.
    public var parameters: [String]
    /// Principals allowed to invoke it; empty means any.
    public var callers: [Principal]
    /// For SMI handlers: the region holding the communication buffer the parameters come from.
    public var commBuffer: String?
    public var body: [Statement]
    public var location: SourceLocation

    public init(trigger: Trigger, name: String? = nil, parameters: [String] = [], callers: [Principal] = [], commBuffer: String? = nil, body: [Statement] = [], location: SourceLocation = .synthetic) {
        self.trigger = trigger
        self.name = name
        self.parameters = parameters
        self.callers = callers
        self.commBuffer = commBuffer
        self.body = body
        self.location = location
    }

    /// Every parameter in scope: declared ones, then the trigger's implicit ones.
    public var allParameters: [String] { parameters + trigger.implicitParameters }

    public var title: String { name.map { "\(trigger) \"\($0)\"" } ?? trigger.description }
}

/// One line of a handler body.
public struct Statement: Hashable, Sendable {
    public indirect enum Kind: Hashable, Sendable {
        /// The handler returns (does nothing) unless the condition holds.
        case require(Expr)
        case assign(String, Expr)
        case effect(Effect)
        case conditional(Expr, then: [Statement], else: [Statement])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation = .synthetic) {
        self.kind = kind
        self.location = location
    }
}

/// A memory operand of an effect.
public enum Operand: Hashable, Sendable, CustomStringConvertible {
    /// A guest-physical address of the caller, translated through the caller's EPT.
    case guest(Expr)
    /// A host-physical address, used as is.
    case host(Expr)
    /// The value returned to the caller's register (RAX, or EAX for I/O and MSR reads).
    case result

    public var description: String {
        switch self {
        case .guest(let e): "guest \(e)"
        case .host(let e): "host \(e)"
        case .result: "result"
        }
    }
}

/// What a handler does to the machine.
public enum Effect: Hashable, Sendable {
    /// Copy `length` bytes.
    case copy(from: Operand, to: Operand, length: Expr)
    /// Write `length` bytes whose contents the caller chooses.
    case write(to: Operand, length: Expr)
    /// Copy `length` stale bytes of a region (typically a hypervisor stack) to the destination:
    /// the uninitialised-structure leaks of XSA-122 and XSA-239.
    case leakUninitialised(region: String, length: Expr, to: Operand)
    /// Map guest-physical `[gpa, gpa+size)` of a principal (the caller when nil) to host-physical `hpa`.
    case map(principal: Principal?, gpa: Expr, size: Expr, hpa: Expr, permissions: Permissions)
    case unmap(principal: Principal?, gpa: Expr, size: Expr)
    /// Restrict a lower VTL's access to guest-physical `[gpa, gpa+size)` (HvCallModifyVtlProtectionMask).
    case setProtection(target: Principal, gpa: Expr, size: Expr, permissions: Permissions)
    /// Free a region from its owner and hand it to a principal at a guest-physical address;
    /// its contents are scrubbed only when the hypervisor scrubs on free.
    case give(region: String, to: Principal, gpa: Expr, permissions: Permissions)
    /// Transfer control to a host-physical address in the handler's own context (hypervisor or SMM).
    case call(Expr)
    /// Shut the platform down.
    case shutdown
    /// Return a value to the caller.
    case returnValue(Expr)
}
