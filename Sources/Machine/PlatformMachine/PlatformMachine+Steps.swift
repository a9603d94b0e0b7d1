import Platform

/// The steps of a trace, each turned into memory accesses and instructions whose every
/// precondition the machine checks itself (docs/machine.md, "Steps").
extension PlatformMachine {
    /// Performs one step.
    ///
    /// - Parameters:
    ///   - step: the step; its actor acts.
    ///   - index: its 0-based position in the trace (recorded with what it observes).
    ///   - pattern: what the actor writes (the attacker's pattern).
    /// - Throws: ``StepRefusal`` saying why the step cannot happen as stated.
    public mutating func perform(_ step: Step, index: Int, pattern: BytePattern) throws(StepRefusal) {
        if let shutdown {
            throw StepRefusal("the platform already shut down at step \(shutdown.step + 1): \(shutdown.reason)")
        }
        let actor = step.actor
        try checkExists(actor)
        switch step.action {
        case .access(let kind, let gpa, let hpa, let userMode):
            try access(actor, kind, gpa: gpa, hpa: hpa, userMode: userMode, index, pattern)
        case .dma(let kind, let address, let hpa):
            try dma(actor, kind, address: address, hpa: hpa, index, pattern)
        case .store(let gpa, let hpa, let value):
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
            try write(actor, gpa: gpa, hpa: hpa, bytes: bytes, index, how: "stores \(hex(value))")
        case .remap(let target, let gpa, let hpa, let permissions):
            try remap(actor, target: target, gpa: gpa, hpa: hpa, permissions: permissions, index)
        case .hypercall(let number, let arguments):
            try hypercall(actor, number: number, arguments: arguments, index, pattern)
        case .io(let port, let size, let value, let write):
            try io(actor, port: port, size: size, value: value, write: write, index, pattern)
        case .msr(let msr, let value, let write):
            try msrAccess(actor, msr: msr, value: value, write: write, index, pattern)
        case .cpuid(let leaf, let subleaf):
            try cpuid(actor, leaf: leaf, subleaf: subleaf, index, pattern)
        case .mmio(let gpa, let size, let value, let write):
            try mmio(actor, gpa: gpa, size: size, value: value, write: write, index, pattern)
        case .smi(let number, let arguments):
            try smi(actor, number: number, arguments: arguments, index, pattern)
        case .vmfunc(let listIndex):
            try vmfunc(actor, index: listIndex, index)
        case .vmwrite(let field, let value):
            try vmwrite(actor, field: field, value: value, index)
        case .reenter:
            try reenter(actor, index)
        case .flipPageSize(let gpa):
            try flipPageSize(actor, gpa: gpa, index)
        }
    }

    private func checkExists(_ actor: Principal) throws(StepRefusal) {
        switch actor {
        case .hypervisor: return
        case .smm: if platform.smm == nil { throw StepRefusal("the platform declares no SMM") }
        case .vtl: if processors[actor] == nil { throw StepRefusal("\(actor) is not a VTL of the platform") }
        case .device(let d): if devices[d] == nil { throw StepRefusal("'\(d)' is not a device of the platform") }
        }
    }

    /// The processor of a VTL actor, or a refusal for other actors.
    func processor(_ actor: Principal, for what: String) throws(StepRefusal) -> VirtualProcessor {
        guard case .vtl = actor, let p = processors[actor] else {
            throw StepRefusal("\(name(actor)) cannot \(what): only a partition's VTL runs as a VMX guest")
        }
        return p
    }

    // MARK: - Memory

    /// Where an actor's own access to `gpa` lands, checked against the claimed `hpa`.
    private mutating func reach(_ actor: Principal, gpa: UInt64, hpa: UInt64, access: EPTAccess) throws(StepRefusal) {
        if case .device = actor {
            throw StepRefusal("device '\(actor)' does not execute instructions; its accesses are DMA steps")
        }
        let reached = try translate(actor, gpa, access: access).get()
        guard reached == hpa else {
            throw StepRefusal("\(name(actor))'s \(access) of guest-physical \(hex(gpa)) reaches \(platform.describe(hpa: reached)), not \(platform.describe(hpa: hpa))")
        }
        guard PhysicalMemory.isValid(address: hpa, count: 8) else {
            throw StepRefusal("host-physical \(hex(hpa)) + 8 passes 2^52")
        }
    }

    private mutating func access(_ actor: Principal, _ kind: Access, gpa: UInt64, hpa: UInt64, userMode: Bool,
                                 _ index: Int, _ pattern: BytePattern) throws(StepRefusal) {
        switch kind {
        case .read:
            try reach(actor, gpa: gpa, hpa: hpa, access: .read)
            let (bytes, from, blocked) = readPhysical(hpa, count: 8, agent: Self.agent(of: actor))
            if let blocked { throw StepRefusal(blocked) }
            observe(actor, step: index, bytes: bytes, origins: from, source: hpa, how: "read")
            note(index, "\(name(actor)) reads \(platform.describe(hpa: hpa)): \(bytes.map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: " "))")
        case .write:
            try write(actor, gpa: gpa, hpa: hpa, bytes: pattern.bytes(at: hpa, count: 8), index, how: "writes its pattern")
        case .execute:
            try reach(actor, gpa: gpa, hpa: hpa, access: .fetch(userAddress: userMode))
            let (_, _, blocked) = readPhysical(hpa, count: 8, agent: Self.agent(of: actor))
            if let blocked { throw StepRefusal(blocked) }
            if actor == .smm, chipset.codeCheck, !chipset.inSMMCodeRange(hpa) {
                shutDown(index, "SMM_CODE_CHK_EN: SMM executed \(platform.describe(hpa: hpa)) outside SMRR: machine check")
                return
            }
            execute(actor, step: index, hpa: hpa, userMode: userMode, how: userMode ? "user-mode fetch" : "fetch")
        }
    }

    private mutating func write(_ actor: Principal, gpa: UInt64, hpa: UInt64, bytes: [UInt8], _ index: Int,
                                how: String) throws(StepRefusal) {
        try reach(actor, gpa: gpa, hpa: hpa, access: .write)
        if let blocked = writePhysical(bytes, at: hpa, agent: Self.agent(of: actor), origin: .attacker) { throw StepRefusal(blocked) }
        note(index, "\(name(actor)) \(how) at \(platform.describe(hpa: hpa))")
    }

    private mutating func dma(_ actor: Principal, _ kind: Access, address: UInt64, hpa: UInt64, _ index: Int,
                              _ pattern: BytePattern) throws(StepRefusal) {
        guard case .device(let d) = actor else { throw StepRefusal("\(name(actor)) is not a device; only devices do DMA") }
        guard kind != .execute else { throw StepRefusal("device '\(d)' does not fetch instructions") }
        let reached = try translate(actor, address, access: kind == .read ? .read : .write).get()
        guard reached == hpa else {
            throw StepRefusal("device '\(d)''s DMA \(kind) of \(hex(address)) reaches \(platform.describe(hpa: reached)), not \(platform.describe(hpa: hpa))")
        }
        guard PhysicalMemory.isValid(address: hpa, count: 8) else { throw StepRefusal("host-physical \(hex(hpa)) + 8 passes 2^52") }
        if kind == .read {
            let (bytes, from, blocked) = readPhysical(hpa, count: 8, agent: .dma)
            if let blocked { throw StepRefusal(blocked) }
            observe(actor, step: index, bytes: bytes, origins: from, source: hpa, how: "DMA read")
            note(index, "device '\(d)' reads \(platform.describe(hpa: hpa)) by DMA")
        } else {
            if let blocked = writePhysical(pattern.bytes(at: hpa, count: 8), at: hpa, agent: .dma, origin: .attacker) { throw StepRefusal(blocked) }
            note(index, "device '\(d)' writes its pattern at \(platform.describe(hpa: hpa)) by DMA")
        }
    }

    // MARK: - Remap

    /// Rewrites the leaf of `target`'s current translation that covers `gpa`, through a
    /// writable translation of the actor's own.
    private mutating func remap(_ actor: Principal, target: Principal, gpa: UInt64, hpa: UInt64,
                                permissions: Permissions, _ index: Int) throws(StepRefusal) {
        let root: Root
        switch target {
        case .vtl:
            guard processors[target] != nil else { throw StepRefusal("\(target) is not a VTL of the platform") }
            guard let r = currentRoot(of: target) else { throw StepRefusal("\(name(target))'s VMCS does not enable EPT: it has no EPT to rewrite") }
            root = r
        case .device(let d):
            guard devices[d] != nil else { throw StepRefusal("'\(d)' is not a device of the platform") }
            guard let r = currentRoot(of: target) else { throw StepRefusal("device '\(d)' has no IOMMU tables to rewrite") }
            root = r
        case .hypervisor, .smm:
            throw StepRefusal("\(target) has no EPT to rewrite")
        }
        guard root.fits(gpa) else { throw StepRefusal("guest-physical \(hex(gpa)) lies beyond the \(root.levels)-level walk of \(name(target))'s tables") }
        let slot = EPTTables.slot(root: root.address, gpa: gpa, mbec: root.mbec, levels: root.levels, in: memory)
        guard slot.isLeaf || slot.level == 1 else {
            throw StepRefusal("no leaf entry of \(name(target))'s tables covers \(hex(gpa)): the walk stops at a not-present level-\(slot.level) entry at \(hex(slot.address))")
        }
        let size = slot.span
        guard hpa & (size - 1) == gpa & (size - 1) else {
            throw StepRefusal("\(hex(hpa)) and \(hex(gpa)) differ within the \(EPTPageSize(rawValue: slot.level)!) leaf that covers \(hex(gpa))")
        }
        guard hpa < PhysicalMemory.limit else { throw StepRefusal("host-physical \(hex(hpa)) is at or above 2^52") }
        guard reverseTranslate(actor, slot.address, access: .write) != nil else {
            throw StepRefusal("\(name(actor)) has no writable translation of \(name(target))'s level-\(slot.level) entry at \(platform.describe(hpa: slot.address))")
        }
        let entry = EPTEntryBits.leaf(hpa & ~(size - 1), permissions: Self.ept(permissions), memoryType: .writeBack,
                                      size: EPTPageSize(rawValue: slot.level)!)
        let bytes = (0..<8).map { UInt8(truncatingIfNeeded: entry >> UInt64(8 * $0)) }
        if let blocked = writePhysical(bytes, at: slot.address, agent: Self.agent(of: actor), origin: .attacker) { throw StepRefusal(blocked) }
        note(index, "\(name(actor)) rewrites \(name(target))'s level-\(slot.level) entry at \(platform.describe(hpa: slot.address)) to \(hex(entry)): \(hex(gpa & ~(size - 1))) → \(platform.describe(hpa: hpa & ~(size - 1))) \(permissions)")
    }

    // MARK: - Page-size change (XSA-304)

    private mutating func flipPageSize(_ actor: Principal, gpa: UInt64, _ index: Int) throws(StepRefusal) {
        let p = try processor(actor, for: "change the page size of code it runs")
        guard eptEnabled(p) else { throw StepRefusal("no machine check: \(name(actor))'s VMCS does not enable EPT") }
        guard let root = currentRoot(of: actor), root.fits(gpa) else {
            throw StepRefusal("no machine check: \(hex(gpa)) lies beyond the EPT walk of \(name(actor))")
        }
        let slot = EPTTables.slot(root: root.address, gpa: gpa, mbec: root.mbec, levels: root.levels, in: memory)
        let executable = slot.permissions.contains(.execute) || (mbecEnabled(p) && slot.permissions.contains(.userExecute))
        guard slot.isLeaf, slot.level > 1, executable else {
            throw StepRefusal("no machine check: \(hex(gpa)) is not backed by an executable 2-MiB or 1-GiB EPT leaf of \(name(actor))")
        }
        guard platform.cpu.errata.contains(.pageSizeChangeMCE) else {
            throw StepRefusal("no machine check: the CPU does not have the page-size-change erratum (XSA-304)")
        }
        shutDown(index, "machine check on an instruction-fetch page-size change under the executable \(EPTPageSize(rawValue: slot.level)!) EPT leaf of \(hex(gpa)) (XSA-304, erratum \"Machine Check Error on Page Size Change\")")
    }
}
