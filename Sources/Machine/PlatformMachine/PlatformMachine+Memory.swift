import Platform

/// Who touches physical memory, which decides the SMRAM rules that apply.
enum Agent: Hashable, Sendable {
    /// A processor outside SMM (a VTL or the hypervisor): SMRR, SMRAMC and MTRRs apply.
    case cpu
    /// A processor in SMM: sees all of DRAM.
    case smm
    /// A device: TSEG protection applies.
    case dma
}

/// Translations and physical accesses, with the SMRAM rules of DOMAIN.md §5.
extension PlatformMachine {
    // MARK: - The VMCS of a VTL

    /// The current VMCS data of a VTL.
    func vmcs(of processor: VirtualProcessor) -> VMCS { cpu.vmcsData[processor.vmcs] ?? VMCS() }

    /// Whether the VTL's VMCS enables EPT (secondary controls in effect).
    func eptEnabled(_ processor: VirtualProcessor) -> Bool {
        vmcs(of: processor).effectiveSecondaryControls.contains(.enableEPT)
    }

    /// Whether the VTL's VMCS enables mode-based execute control.
    func mbecEnabled(_ processor: VirtualProcessor) -> Bool {
        vmcs(of: processor).effectiveSecondaryControls.contains(.modeBasedExecuteControl)
    }

    /// The VTL's current EPTP (changed by VMFUNC or a merged shadow field).
    func currentEPTP(_ processor: VirtualProcessor) -> EPTP { EPTP(rawValue: vmcs(of: processor)[.eptPointer]) }

    func name(_ principal: Principal) -> String { platform.displayName(principal) }

    // MARK: - Hardware translation

    /// How the hardware translates an access by `principal` to guest-physical `gpa`:
    /// a VTL through its current EPT (or none when its VMCS disables EPT), a device
    /// through its IOMMU tables (or none), the hypervisor and SMM physically.
    mutating func translate(_ principal: Principal, _ gpa: UInt64, access: EPTAccess) -> Result<UInt64, StepRefusal> {
        switch principal {
        case .hypervisor, .smm:
            return .success(gpa)
        case .vtl:
            guard let processor = processors[principal] else { return .failure(StepRefusal("\(principal) is not a VTL of the platform")) }
            guard eptEnabled(processor) else { return .success(gpa) }
            return walk(root: currentEPTP(processor), gpa, access: access, mbec: mbecEnabled(processor),
                        owner: "\(name(principal))'s EPT")
        case .device(let d):
            guard let device = devices[d] else { return .failure(StepRefusal("'\(d)' is not a device of the platform")) }
            guard let tables = device.tables else { return .success(gpa) }
            return walk(root: tables.eptp, gpa, access: access, mbec: false, owner: "the IOMMU tables of '\(d)'")
        }
    }

    private mutating func walk(root eptp: EPTP, _ gpa: UInt64, access: EPTAccess, mbec: Bool, owner: String)
        -> Result<UInt64, StepRefusal>
    {
        let walker: EPTWalker
        do {
            walker = try EPTWalker(eptp: eptp, capabilities: cpu.capabilities.ept, modeBasedExecute: mbec)
        } catch {
            return .failure(StepRefusal("the EPTP of \(owner), \(hex(eptp.rawValue)), is invalid: \(error)"))
        }
        guard gpa >> UInt64(12 + 9 * eptp.levels) == 0 else {
            return .failure(StepRefusal("guest-physical \(hex(gpa)) lies beyond the \(eptp.levels)-level walk of \(owner)"))
        }
        switch walker.walk(gpa, access: access, in: &memory) {
        case .translated(let hpa, _):
            return .success(hpa)
        case .violation(let qualification, _):
            return .failure(StepRefusal("\(owner) gives an EPT violation (exit 48, qualification \(hex(qualification))) for a \(access) of \(hex(gpa))"))
        case .misconfiguration:
            return .failure(StepRefusal("\(owner) gives an EPT misconfiguration (exit 49) at \(hex(gpa))"))
        }
    }

    /// The paging structures a VTL or device is translated through now, or nil when it
    /// accesses memory physically.
    struct Root: Hashable, Sendable {
        var address: UInt64
        var mbec: Bool
        var levels: Int

        /// Whether a guest-physical address fits the walk.
        func fits(_ gpa: UInt64) -> Bool { gpa >> UInt64(12 + 9 * levels) == 0 }
    }

    func currentRoot(of principal: Principal) -> Root? {
        switch principal {
        case .vtl:
            guard let p = processors[principal], eptEnabled(p) else { return nil }
            let eptp = currentEPTP(p)
            return Root(address: eptp.rootAddress, mbec: mbecEnabled(p), levels: eptp.levels == 5 ? 5 : 4)
        case .device(let d):
            return devices[d]?.tables.map { Root(address: $0.root, mbec: false, levels: 4) }
        case .hypervisor, .smm:
            return nil
        }
    }

    /// The hypervisor's software translation of a caller's guest-physical address: the
    /// page need only be mapped (present), whatever its rights. Nil when it is not.
    func softwareTranslate(_ caller: Principal, _ gpa: UInt64) -> UInt64? {
        guard let root = currentRoot(of: caller) else { return gpa }
        guard root.fits(gpa) else { return nil }
        let slot = EPTTables.slot(root: root.address, gpa: gpa, mbec: root.mbec, levels: root.levels, in: memory)
        return slot.isLeaf ? slot.translate(gpa) : nil
    }

    /// A guest-physical address through which `principal` can access host-physical
    /// `hpa` now (a write needs a writable translation): found among the leaves of its
    /// current translation and confirmed by a hardware walk. Physical principals use `hpa`.
    mutating func reverseTranslate(_ principal: Principal, _ hpa: UInt64, access: EPTAccess) -> UInt64? {
        guard let root = currentRoot(of: principal) else { return hpa }
        var candidates: [UInt64] = []
        EPTTables.forEachLeaf(root: root.address, mbec: root.mbec, levels: root.levels, in: memory) { slot in
            if hpa >= slot.frame && hpa - slot.frame < slot.span { candidates.append(slot.gpaBase + (hpa - slot.frame)) }
            return candidates.count < 64
        }
        for gpa in candidates {
            if case .success(let reached) = translate(principal, gpa, access: access), reached == hpa { return gpa }
        }
        return nil
    }

    // MARK: - Physical access with the SMRAM rules

    /// The memory type the MTRRs give `address` (SDM 11.11.4.1 precedence: UC wins,
    /// WT with WB gives WT; outside every valid variable range the default type).
    func memoryType(_ address: UInt64) -> UInt8 {
        let count = Int(cpu.msrValues[0xFE].map { $0 & 0xFF } ?? 0)
        let physicalMask: UInt64 = ((1 << UInt64(platform.cpu.maxPhysAddr)) - 1) & ~0xFFF
        var types: [UInt8] = []
        for n in 0..<UInt32(min(count, 16)) {
            let base = cpu.msrValues[Layout.mtrrPhysBase0 + 2 * n] ?? 0
            let mask = cpu.msrValues[Layout.mtrrPhysMask0 + 2 * n] ?? 0
            guard mask & 1 << 11 != 0 else { continue }
            let m = mask & physicalMask
            if address & m == base & m { types.append(UInt8(truncatingIfNeeded: base)) }
        }
        if types.isEmpty {
            let def = cpu.msrValues[0x2FF] ?? 0
            return def & 1 << 11 != 0 ? UInt8(truncatingIfNeeded: def) : 0
        }
        if types.contains(0) { return 0 }
        if types.allSatisfy({ $0 == 6 }) { return 6 }
        if types.allSatisfy({ $0 == 6 || $0 == 4 }) { return 4 }
        return types[0]
    }

    /// Why an access by `agent` to `address` does not reach memory, or nil when it does.
    /// - a processor outside SMM: inside SMRR, reads give all-ones and writes are dropped;
    ///   SMRAM is reached only while D_OPEN is set (and D_LCK clear), or, for writes,
    ///   when the MTRRs make it write-back (cache poisoning);
    /// - SMM: all of DRAM;
    /// - DMA: TSEG protection keeps it out of SMRAM.
    func blocked(_ address: UInt64, by agent: Agent, write: Bool) -> String? {
        switch agent {
        case .smm:
            return nil
        case .dma:
            if chipset.tsegDMAProtection && chipset.inSMRAM(address) {
                return "TSEG protection blocks DMA into SMRAM at \(platform.describe(hpa: address))"
            }
            return nil
        case .cpu:
            if chipset.inSMRR(address) {
                return "\(platform.describe(hpa: address)) lies inside SMRR: outside SMM \(write ? "writes are dropped" : "reads return all-ones")"
            }
            guard chipset.inSMRAM(address) else { return nil }
            if chipset.isOpen && !chipset.isLocked { return nil }
            if write && memoryType(address) == 6 { return nil }  // lands in a write-back cache line
            return "SMRAM at \(platform.describe(hpa: address)) is closed to accesses outside SMM (SMRAMC D_OPEN clear\(chipset.isLocked ? ", D_LCK set" : ""))"
        }
    }

    /// Reads bytes as `agent`; blocked bytes read as 0xFF, nobody's data.
    func readPhysical(_ address: UInt64, count: Int, agent: Agent) -> (bytes: [UInt8], origins: [ByteOrigin], blocked: String?) {
        var bytes: [UInt8] = []
        var from: [ByteOrigin] = []
        var reason: String?
        for i in 0..<UInt64(count) {
            let a = address &+ i
            if let why = blocked(a, by: agent, write: false) {
                reason = reason ?? why
                bytes.append(0xFF)
                from.append(.none)
            } else {
                bytes.append(memory.read8(a))
                from.append(origins.origin(at: a))
            }
        }
        return (bytes, from, reason)
    }

    /// Writes bytes as `agent`, each byte taking `origin`; blocked bytes are dropped.
    mutating func writePhysical(_ bytes: [UInt8], at address: UInt64, agent: Agent, origin: ByteOrigin) -> String? {
        var reason: String?
        // Fast path: nothing to check outside SMRAM and SMRR.
        if chipset.smram == nil && chipset.smrr == nil {
            memory.writeBytes(bytes, at: address)
            origins.set(address, count: UInt64(bytes.count), to: origin)
            return nil
        }
        for (i, byte) in bytes.enumerated() {
            let a = address &+ UInt64(i)
            if let why = blocked(a, by: agent, write: true) {
                reason = reason ?? why
            } else {
                memory.write8(byte, at: a)
                origins.set(a, to: origin)
            }
        }
        return reason
    }

    /// The agent a principal's own accesses are made as.
    static func agent(of principal: Principal) -> Agent {
        switch principal {
        case .smm: .smm
        case .device: .dma
        case .hypervisor, .vtl: .cpu
        }
    }

    // MARK: - Records

    mutating func note(_ step: Int, _ text: String) { events.append(Event(step: step, text: text)) }

    mutating func observe(_ observer: Principal, step: Int, bytes: [UInt8], origins from: [ByteOrigin], source: UInt64?, how: String) {
        clock += 1
        observations.append(Observation(observer: observer, step: step, bytes: bytes, origins: from, source: source, how: how, sequence: clock))
    }

    /// Bytes nobody owns (MSR and I/O values) observed by `observer`.
    mutating func observe(_ observer: Principal, step: Int, values bytes: [UInt8], how: String) {
        observe(observer, step: step, bytes: bytes, origins: Array(repeating: .none, count: bytes.count), source: nil, how: how)
    }

    mutating func execute(_ context: Principal, step: Int, hpa: UInt64, userMode: Bool, how: String) {
        let agent: Agent = context == .smm ? .smm : .cpu
        let read = PhysicalMemory.isValid(address: hpa, count: 8) ? readPhysical(hpa, count: 8, agent: agent) : (bytes: [], origins: [], blocked: nil)
        clock += 1
        executions.append(Execution(context: context, step: step, hpa: hpa, bytes: read.bytes, origin: read.origins.first ?? .none,
                                    userMode: userMode, how: how, sequence: clock))
        if let first = read.origins.first, first != .none {
            note(step, "\(name(context)) executed \(describe(first)) at \(platform.describe(hpa: hpa)) (\(how))")
        }
    }

    /// Whose bytes an origin names, in words.
    func describe(_ origin: ByteOrigin) -> String {
        if let i = origin.regionIndex { return "bytes of \(platform.regions[i].name)" }
        return origin == .attacker ? "bytes a step wrote" : "nobody's bytes"
    }

    mutating func shutDown(_ step: Int, _ reason: String) {
        if shutdown == nil { shutdown = Shutdown(step: step, reason: reason) }
        note(step, "the platform shut down: \(reason)")
    }
}
