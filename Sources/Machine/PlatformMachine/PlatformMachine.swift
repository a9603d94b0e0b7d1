import Platform

/// A concrete machine built from a validated ``Platform``: physical memory with every
/// region filled with its own pattern, each VTL's EPT as real paging structures, a VMCS
/// per VTL with real control values and bitmaps in memory, IOMMU tables, SMRAM with its
/// locks and SMRR, and the hypervisor's and SMM's handlers, executed concretely.
///
/// It is the independent witness of the checker: it never consults the checker's
/// reasoning, only the platform, and it decides every step from the bytes in memory
/// (the bitmaps, EPT entries, EPTP lists and MSR areas as they are now, not as the model
/// declared them). See docs/machine.md for the layout and the semantics of each step.
public struct PlatformMachine: Sendable {
    /// The platform the machine was built from.
    public let platform: Platform
    /// Host-physical memory.
    public internal(set) var memory = PhysicalMemory()
    /// The provenance of every byte of memory (whose data it is: a region's, the attacker's, nobody's).
    public internal(set) var origins: ByteOrigins
    /// The pattern of every region and every principal.
    public internal(set) var patterns: PatternCatalog
    /// The logical processor: capability MSRs, MSR values, VMCS data, errata.
    public internal(set) var cpu: VMXCPU
    /// The VTLs' virtual processors.
    var processors: [Principal: VirtualProcessor] = [:]
    /// The DMA devices.
    var devices: [String: DeviceState] = [:]
    /// The chipset's SMRAM controls, SMRR and PCI configuration address.
    var chipset: Chipset
    /// Where structures the model places nowhere live.
    var hidden: HiddenMemory
    let evaluator: ExpressionEvaluator

    /// Bytes each principal observed (reads, DMA reads, handler results and deposits).
    public internal(set) var observations: [Observation] = []
    /// Bytes each context executed.
    public internal(set) var executions: [Execution] = []
    /// Why and when the platform shut down, if it did.
    public internal(set) var shutdown: Shutdown?
    /// What the machine did, step by step, in words (for evidence and refutations).
    public internal(set) var events: [Event] = []
    /// Regions a `give` effect handed to another principal: they no longer belong to their owner.
    public internal(set) var givenAway: Set<String> = []
    /// Orders observations and executions within and across steps.
    var clock = 0

    /// The VMXON region (in hidden memory).
    public internal(set) var vmxonRegion: UInt64 = 0
}

/// Bytes a principal obtained.
public struct Observation: Hashable, Sendable {
    /// Who obtained them.
    public var observer: Principal
    /// The step (0-based) at which they were obtained.
    public var step: Int
    /// The bytes, in address order.
    public var bytes: [UInt8]
    /// Where each byte came from (one per byte).
    public var origins: [ByteOrigin] { didSet { regionIndices = Self.regions(in: origins) } }
    /// The regions (indices in `Platform.regions`) whose initial bytes are among them, ascending.
    public private(set) var regionIndices: [Int]
    /// The host-physical address of the first byte, when the bytes came from memory.
    public var source: UInt64?
    /// How: "read", "DMA read", "the result of hypercall 0x1", …
    public var how: String
    /// When, relative to the machine's other observations and executions.
    public var sequence: Int

    public init(observer: Principal, step: Int, bytes: [UInt8], origins: [ByteOrigin], source: UInt64?, how: String, sequence: Int) {
        self.observer = observer
        self.step = step
        self.bytes = bytes
        self.origins = origins
        self.regionIndices = Self.regions(in: origins)
        self.source = source
        self.how = how
        self.sequence = sequence
    }

    private static func regions(in origins: [ByteOrigin]) -> [Int] {
        var seen = Set<Int>()
        var last = ByteOrigin.unset
        for o in origins where o != last {  // origins come in long runs
            last = o
            if let i = o.regionIndex { seen.insert(i) }
        }
        return seen.sorted()
    }
}

/// Bytes a context executed.
public struct Execution: Hashable, Sendable {
    /// Whose context: a VTL, the hypervisor or SMM.
    public var context: Principal
    /// The step (0-based).
    public var step: Int
    /// The host-physical address of the first byte.
    public var hpa: UInt64
    /// The eight bytes at `hpa`.
    public var bytes: [UInt8]
    /// Where the first byte came from, when it was executed.
    public var origin: ByteOrigin
    /// A fetch from a user-mode linear address (XU under MBEC).
    public var userMode: Bool
    /// How: "fetch", "call from hypercall 0x1", "SMM entry point", …
    public var how: String
    /// When, relative to the machine's other observations and executions.
    public var sequence: Int
}

/// A platform shutdown (machine check, VMX abort, triple-fault-like erratum, handler).
public struct Shutdown: Hashable, Sendable {
    /// The step (0-based) that shut the platform down.
    public var step: Int
    public var reason: String
}

/// One thing the machine did, in words.
public struct Event: Hashable, Sendable, CustomStringConvertible {
    /// The step (0-based).
    public var step: Int
    public var text: String
    /// `step N: text`, with the step numbered from 1 as reports number them.
    public var description: String { "step \(step + 1): \(text)" }
}

/// Why the machine did not do what a step claims. The message says what happened instead.
public struct StepRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Why a platform could not be built into a machine.
public enum MachineBuildError: Error, Hashable, Sendable, CustomStringConvertible {
    /// EPT or IOMMU tables did not fit their region (or hidden memory).
    case tables(owner: String, region: String?, EPTBuildError)
    /// A structure is larger than the region the model puts it in.
    case doesNotFit(what: String, region: String, needed: UInt64, size: UInt64)
    /// No free host-physical range below 2^MAXPHYADDR could hold the hidden structures.
    case noHiddenMemory(pages: Int)

    public var description: String {
        switch self {
        case .tables(let owner, let region, let error):
            "the paging structures of \(owner) do not fit \(region.map { "region '\($0)'" } ?? "hidden memory"): \(error)"
        case .doesNotFit(let what, let region, let needed, let size):
            "\(what) needs \(hex(needed)) bytes but region '\(region)' has \(hex(size))"
        case .noHiddenMemory(let pages):
            "no free range of \(pages) pages below 2^MAXPHYADDR for the structures the model places nowhere"
        }
    }
}

/// A guest-physical range as the hypervisor means to map it, before VTL protections:
/// a mapping of the model, of a `map` or `give` effect, or (without `hpa`) an `unmap`.
struct Layer: Hashable, Sendable {
    var gpa: UInt64
    var size: UInt64
    var hpa: UInt64?
    var permissions: Permissions
    var pageSize: PageSize

    var end: UInt64 { gpa + size }
    func covers(_ address: UInt64) -> Bool { address >= gpa && address - gpa < size }
}

/// A protection a higher VTL placed on a lower one, on whole 4-KiB pages.
struct Protection: Hashable, Sendable {
    var gpa: UInt64
    var size: UInt64
    var permissions: Permissions
    /// The level of the VTL that set it.
    var setter: Int

    var end: UInt64 { gpa + size }
    func covers(_ address: UInt64) -> Bool { address >= gpa && address - gpa < size }
}

/// A VTL's virtual processor: its VMCS, the EPT the hypervisor maintains for it, and the
/// hypervisor's view (declared layers and protection masks, kept apart so that a new
/// protection can be recomputed).
struct VirtualProcessor: Sendable {
    let principal: Principal
    /// The VMCS region address (the key of the VMCS data in ``VMXCPU/vmcsData``).
    let vmcs: UInt64
    /// The shadow VMCS, when VMCS shadowing is configured.
    var shadowVMCS: UInt64?
    /// The EPT the hypervisor built for this VTL (the VMCS's EPTP may point elsewhere
    /// after VMFUNC or a VMCS write).
    var tables: EPTTables
    var layers: [Layer]
    /// Protections on this VTL; the last one covering an address wins.
    var protections: [Protection]
}

/// A DMA device and its IOMMU tables (nil without an IOMMU).
struct DeviceState: Sendable {
    let device: Device
    var tables: EPTTables?
}

/// The chipset and CPU state that guards SMRAM (DOMAIN.md §5).
struct Chipset: Sendable {
    /// SMRAM (nil without an `smm` block).
    var smram: Region?
    /// SMRAMC (PCI 0:0:0 offset 0x9D): D_OPEN bit 6, D_LCK bit 4, G_SMRAME bit 3, C_BASE_SEG 2:0 = 010b.
    var smramc: UInt8
    /// PCI configuration mechanism #1: the last dword written to 0xCF8.
    var configAddress: UInt32 = 0
    /// The range SMRR protects, when SMRR is valid.
    var smrr: (base: UInt64, size: UInt64)?
    /// TSEG keeps DMA out of SMRAM.
    var tsegDMAProtection: Bool
    /// SMM_CODE_CHK_EN.
    var codeCheck: Bool

    static let dOpen: UInt8 = 1 << 6
    static let dLock: UInt8 = 1 << 4
    static let globalEnable: UInt8 = 1 << 3

    var isOpen: Bool { smramc & Self.dOpen != 0 }
    var isLocked: Bool { smramc & Self.dLock != 0 }

    func inSMRAM(_ address: UInt64) -> Bool { smram?.contains(address) ?? false }

    /// Where SMM may execute under SMM_CODE_CHK_EN: the SMRR range (SMRAM when SMRR is off).
    func inSMMCodeRange(_ address: UInt64) -> Bool { smrr != nil ? inSMRR(address) : inSMRAM(address) }

    func inSMRR(_ address: UInt64) -> Bool {
        guard let smrr else { return false }
        return address >= smrr.base && address - smrr.base < smrr.size
    }
}

/// Hands out pages from the top of the physical address space downward, skipping every
/// region and every mapped host-physical range, for structures the model places nowhere.
struct HiddenMemory: Sendable {
    /// Ranges no hidden page may touch, sorted by base.
    let used: [(base: UInt64, end: UInt64)]
    /// Pages below this address are still free.
    var cursor: UInt64

    init(platform: Platform) {
        var used: [(UInt64, UInt64)] = platform.regions.map { ($0.base, $0.end) }
        for partition in platform.partitions {
            for vtl in partition.vtls { used += vtl.mappings.map { ($0.hpa, $0.hpaEnd) } }
        }
        for device in platform.devices { used += device.mappings.map { ($0.hpa, $0.hpaEnd) } }
        self.used = used.sorted { $0.0 < $1.0 }.map { (base: $0.0, end: $0.1) }
        cursor = 1 << UInt64(platform.cpu.maxPhysAddr)
    }

    /// `pages` consecutive free pages, or nil.
    mutating func carve(pages: Int) -> PageRegionAllocator? {
        let size = UInt64(pages) * PhysicalMemory.pageSize
        let start = cursor
        while cursor >= size {
            let base = cursor - size
            if let clash = used.last(where: { $0.base < cursor && $0.end > base }) {
                cursor = clash.base & ~0xFFF
                continue
            }
            cursor = base
            return try? PageRegionAllocator(base: base, size: size)
        }
        cursor = start  // nothing carved: the next request starts from the top again
        return nil
    }
}
