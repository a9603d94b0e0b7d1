/// The kind of a memory access.
public enum Access: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case read
    case write
    /// An instruction fetch.
    case execute

    public var description: String { rawValue }

    /// The right this access needs.
    public var permission: Permissions {
        switch self {
        case .read: .read
        case .write: .write
        case .execute: .execute
        }
    }
}

/// One step of an attack, in the vocabulary of the platform rather than raw bytes. The
/// machine turns a step into concrete memory accesses and instructions and checks on its
/// own that each is allowed: that the actor's translation really reaches the address, that
/// the bitmaps let the I/O through, that the handler's guard admits the arguments.
public struct Step: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
        /// The actor accesses guest-physical `gpa` through its current translation (EPT, or none
        /// in VMX root and SMM); the checker expects it to reach `hpa`. A write stores the
        /// actor's pattern. `userMode` says the linear address is a user-mode one (XU under MBEC).
        case access(Access, gpa: UInt64, hpa: UInt64, userMode: Bool)
        /// A device accesses bus address `address` by DMA; the checker expects it to reach `hpa`.
        case dma(Access, address: UInt64, hpa: UInt64)
        /// The actor stores an 8-byte value at guest-physical `gpa` (expected to reach `hpa`).
        case store(gpa: UInt64, hpa: UInt64, value: UInt64)
        /// The actor rewrites the leaf entry of `target`'s translation (EPT, or IOMMU tables for a
        /// device) that covers `gpa`, so that `gpa` maps host-physical `hpa` with `permissions`. The
        /// machine finds the entry by walking the target's tables and checks that the actor's own
        /// translation lets it write that entry. `hpa` and `gpa` agree modulo the leaf's size.
        case remap(target: Principal, gpa: UInt64, hpa: UInt64, permissions: Permissions)
        /// VMCALL with a call code and arguments (RCX, RDX, R8, … in order).
        case hypercall(number: UInt64, arguments: [UInt64])
        /// IN (`write == false`) or OUT of `size` bytes on `port`.
        case io(port: UInt32, size: UInt32, value: UInt64, write: Bool)
        /// RDMSR or WRMSR.
        case msr(index: UInt32, value: UInt64, write: Bool)
        /// CPUID, which always exits to the hypervisor.
        case cpuid(leaf: UInt32, subleaf: UInt32)
        /// A guest access to emulated MMIO, handled by the hypervisor after an EPT violation.
        case mmio(gpa: UInt64, size: UInt32, value: UInt64, write: Bool)
        /// The actor writes `arguments` into the SMM communication buffer and raises software
        /// SMI `number` by writing it to port 0xB2.
        case smi(number: UInt8, arguments: [UInt64])
        /// VMFUNC leaf 0: switch to entry `index` of the EPTP list.
        case vmfunc(index: UInt32)
        /// VMWRITE of a shadow-VMCS field that the VMWRITE bitmap lets through.
        case vmwrite(field: UInt32, value: UInt64)
        /// The actor causes a VM exit and the hypervisor re-enters it (MSR-load areas are loaded).
        case reenter
        /// The guest changes the page size of a linear address it executes from, backed by
        /// guest-physical `gpa` (the instruction-fetch page-size change of XSA-304).
        case flipPageSize(gpa: UInt64)
    }

    public var actor: Principal
    public var action: Action

    public init(actor: Principal, action: Action) {
        self.actor = actor
        self.action = action
    }
}

/// The steps of an attack, in order, and the goal they reach.
public struct Trace: Hashable, Sendable {
    public var property: Property
    public var steps: [Step]

    public init(property: Property, steps: [Step]) {
        self.property = property
        self.steps = steps
    }
}
