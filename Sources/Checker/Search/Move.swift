import Platform

/// One attacker action: the concrete steps that carry it out and the facts it adds.
struct Move: Hashable {
    var steps: [Step]
    var gain: AttackState
    /// What the move achieves, for explanations.
    var label: String
    /// Host-physical bytes the move's handler call may write, beside its steps' own writes.
    var clobbers = IntervalSet()

    /// The host-physical bytes the move writes: its write steps' 8 bytes each, and `clobbers`.
    /// Afterwards they hold the attacker's data (or copies), not their owner's.
    var written: IntervalSet {
        var set = clobbers
        for step in steps {
            switch step.action {
            case .access(.write, _, let hpa, _), .dma(.write, _, let hpa), .store(_, let hpa, _): set.insert(hpa..<(hpa &+ 8 < hpa ? UInt64.max : hpa + 8))
            default: break
            }
        }
        return set
    }
}

/// Lists the moves available in a state. Only moves that can add a fact are returned.
struct MoveGenerator {
    let platform: Platform
    let property: Property
    let handlers: HandlerMoves
    /// Where the attacker's own data lies from the start.
    let data: AttackerData
    /// Where the tables built in declared regions lie (the entries a remap rewrites).
    let tableLayouts: [Principal: EPTTableLayout]

    init(platform: Platform, property: Property, handlers: HandlerMoves) {
        self.platform = platform
        self.property = property
        self.handlers = handlers
        self.data = handlers.pathCache.data(of: property.attacker)
        self.tableLayouts = handlers.pathCache.tableLayouts
    }

    /// The moves in `state`, after steps that overwrote `clobbered` (host-physical bytes whose
    /// owner's data is gone: a read there discloses nothing, and a fetch there runs what was written).
    func moves(in state: AttackState, clobbered: IntervalSet = IntervalSet()) -> [Move] {
        let world = World(platform: platform, state: state, cache: handlers.pathCache)
        var result: [Move] = []
        result += accessMoves(world, clobbered: clobbered)
        result += execMoves(world, clobbered: clobbered)
        result += remapMoves(world)
        result += bitmapMoves(world)
        result += msrAreaMoves(world)
        result += pageSizeMoves(world)
        result += vmwriteMoves(world)
        result += smmMoves(world)
        result += handlers.moves(world, relevant: relevantRegions, goal: property.goal, victims: victims(world))
        return result.filter { !state.includes($0.gain) }
    }

    /// Regions whose reading or writing matters to the goal.
    var relevantRegions: [Region] {
        switch property.goal {
        case .read(let t), .write(let t): platform.regions(of: t)
        case .exec, .dos: []
        }
    }

    // MARK: - Memory

    private func accessMoves(_ world: World, clobbered: IntervalSet) -> [Move] {
        var moves: [Move] = []
        for region in relevantRegions {
            let range = region.base..<region.end
            if case .read = property.goal, !world.state.read.contains(region.name) {
                // A byte the trace overwrote no longer holds the region's data.
                var intact = IntervalSet([range])
                for r in clobbered.intervals { intact = intact.subtracting(r) }
                if let (path, address, hpa) = intact.intervals.lazy.compactMap({ world.find(.read, in: $0, where: { $0.handoff == nil }) }).first {
                    var gain = AttackState()
                    gain.read = [region.name]
                    moves.append(Move(steps: world.accessStep(.read, path: path, address: address, hpa: hpa), gain: gain, label: "read \(region.name)"))
                }
                // A page handed over without scrubbing still holds its previous owner's bytes.
                for path in world.core.stalePaths where path.handoff == .stale(region: region.name) {
                    if let (p, address, hpa) = world.find(.read, in: path.hpa..<(path.hpa + path.size), paths: [path]) {
                        var gain = AttackState()
                        gain.read = [region.name]
                        moves.append(Move(steps: world.accessStep(.read, path: p, address: address, hpa: hpa), gain: gain, label: "read stale \(region.name)"))
                    }
                }
            }
            if case .write = property.goal, !world.state.written.contains(region.name),
                let (path, address, hpa) = world.find(.write, in: range, where: { $0.handoff == nil })
            {
                var gain = AttackState()
                gain.written = [region.name]
                moves.append(Move(steps: world.accessStep(.write, path: path, address: address, hpa: hpa), gain: gain, label: "write \(region.name)"))
            }
        }
        return moves
    }

    /// The contexts whose running the attacker's bytes adds a fact: those it does not control yet,
    /// and for an `exec` goal the target's own (code integrity: running self-written bytes in a
    /// context the attacker already controls).
    func victims(_ world: World) -> [Principal] {
        var injectable = Set<Principal>()
        if case .exec(let target) = property.goal {
            switch target {
            case .principal(let p): injectable = [p]
            case .partition(let name): injectable = Set(platform.partition(named: name)?.principals ?? [])
            case .region: break
            }
        }
        return platform.principals.filter {
            !world.state.injected.contains($0) && (!world.state.controls.contains($0) || injectable.contains($0))
        }
    }

    /// Taking over another context: it runs the attacker's bytes where it fetches — the attacker's
    /// own memory as it is (its data by definition, AttackerData), or bytes the attacker writes
    /// there first.
    private func execMoves(_ world: World, clobbered: IntervalSet) -> [Move] {
        var moves: [Move] = []
        // Bytes a handler wrote at SMM's entry point run there at the next SMI.
        if let smram = world.smram, world.state.written.contains(HandlerMoves.entry(smram.name)), !world.state.injected.contains(.smm),
            let source = world.smiSource()
        {
            var gain = AttackState()
            gain.controls = [.smm]
            gain.injected = [.smm]
            moves.append(Move(steps: [Step(actor: source, action: .smi(number: 0, arguments: []))], gain: gain, label: "SMM runs the bytes written into SMRAM"))
        }
        let capabilities = world.capabilities
        // Memory outside SMRAM: a context other than SMM fetches it whether SMRAM is open or not.
        var owned = world.smram.map { data.owned.subtracting($0.base..<$0.end) } ?? data.owned
        // Copies may have overwritten some of it with others' bytes.
        for r in clobbered.intervals { owned = owned.subtracting(r) }
        for principal in victims(world) {
            var gain = AttackState()
            gain.controls = [principal]
            gain.injected = [principal]
            // Running its own memory is no breach for the attacker's own contexts: only bytes
            // written at run time count there.
            let ownCounts = !data.side.contains(principal)
            switch principal {
            case .smm:
                guard let smram = world.smram, let source = world.smiSource() else { continue }
                let entry = smram.base + Layout.smmEntryOffset
                guard smram.contains(entry) else { continue }
                let number = platform.smm?.handlers.lazy.compactMap { h -> UInt8? in if case .smi(let n) = h.trigger { return n } else { return nil } }.first ?? 0
                let smi = Step(actor: source, action: .smi(number: number, arguments: []))
                // SMM starts at the entry point's first byte.
                if ownCounts, data.owned.contains(entry) {
                    moves.append(Move(steps: [smi], gain: gain, label: "run the attacker's own code in SMM"))
                } else if let (path, address, hpa) = world.find(.write, in: entry..<entry + 1) {
                    moves.append(Move(steps: world.accessStep(.write, path: path, address: address, hpa: hpa) + [smi], gain: gain, label: "run code in SMM"))
                }
            case .device:
                continue
            case .hypervisor, .vtl:
                // Code integrity counts only kernel-mode fetches (docs/machine.md, "Goals").
                let ranges = capabilities.executable(by: .principal(principal)).lazy.filter { ownCounts || $0.path?.rights.contains(.execute) ?? true }
                if ownCounts, owned.lowest(in: capabilities.executableSet(of: principal)) != nil,
                    let (range, hpa) = ranges.lazy.compactMap({ r in owned.lowest(in: r.base..<(r.base + r.size)).map { (r, $0) } }).first
                {
                    moves.append(Move(steps: [range.execution(by: principal, at: hpa)], gain: gain, label: "\(principal) runs the attacker's own code"))
                    continue
                }
                // No executable byte of the principal's is writable: nothing below can find one.
                guard world.core.writesExecutable(of: principal, capabilities) else { continue }
                for range in ranges {
                    guard let (path, address, hpa) = world.find(.write, in: range.base..<(range.base + range.size)) else { continue }
                    moves.append(Move(steps: world.accessStep(.write, path: path, address: address, hpa: hpa) + [range.execution(by: principal, at: hpa)], gain: gain,
                                      label: "run code as \(principal)"))
                    break
                }
            }
        }
        return moves
    }

    /// Rewriting a translation the attacker can write: its own EPT (or a controlled VTL's, or a
    /// device's IOMMU tables) maps a region of interest. The attacker needs a writable translation
    /// of the entry it rewrites, found where the tables' layout puts it (EPTTableLayout).
    private func remapMoves(_ world: World) -> [Move] {
        var moves: [Move] = []
        var targets = relevantRegions
        if let smram = world.smram { targets.append(smram) }
        targets += platform.regions.filter { $0.owner == .hypervisor && $0.kind == .code }
        for context in world.state.controls.sorted() {
            let mappings: [Mapping]
            switch context {
            case .vtl:
                guard let vtl = platform.vtl(of: context), vtl.vmcs.eptEnabled, !world.state.eptOff.contains(context) else { continue }
                mappings = vtl.mappings
            case .device(let name):
                guard let device = platform.device(named: name), device.iommu else { continue }
                mappings = device.mappings
            default:
                continue
            }
            guard let layout = tableLayouts[context], let (entry, path) = writableEntry(layout, first: mappings.first, world) else { continue }
            let origin = mappings.last { $0.gpa <= entry.gpa && entry.gpa < $0.gpaEnd }?.location ?? mappings.first?.location ?? .synthetic
            for region in targets {
                let leaf = entry.span
                let hpa = region.base
                let gpa = entry.gpa + hpa % leaf
                let rights: Permissions = context.partition != nil ? [.read, .write, .execute] : [.read, .write]
                var gain = AttackState()
                gain.extra = [AttackState.ExtraMapping(principal: context, gpa: entry.gpa, size: leaf, hpa: hpa - hpa % leaf, rights: rights, handoff: nil,
                                                       origin: origin)]
                let step = Step(actor: path.actor, action: .remap(target: context, gpa: gpa, hpa: hpa, permissions: rights))
                moves.append(Move(steps: path.prefix + [step], gain: gain, label: "remap \(context) to \(region.name)"))
            }
        }
        moves += victimRemapMoves(world)
        return moves
    }

    /// Rewriting a victim VTL's EPT: a leaf the attacker can write now maps the attacker's own
    /// memory (or bytes it writes first) executable, and the victim runs them.
    private func victimRemapMoves(_ world: World) -> [Move] {
        var moves: [Move] = []
        let smram = world.smram.map { $0.base..<$0.end }
        for victim in victims(world) where !world.state.controls.contains(victim) && !data.side.contains(victim) {
            guard case .vtl = victim, let vtl = platform.vtl(of: victim), vtl.vmcs.eptEnabled, let layout = tableLayouts[victim],
                let (entry, path) = writableEntry(layout, first: vtl.mappings.first, world)
            else { continue }
            var owned = data.owned
            if let smram { owned = owned.subtracting(smram) }
            var steps: [Step] = []
            let code: UInt64
            if let a = owned.intervals.first?.lowerBound {
                code = a
            } else {
                var writable = world.reachable(.write)
                if let smram { writable = writable.subtracting(smram) }
                guard let w = writable.intervals.first?.lowerBound, let (p, address, hpa) = world.find(.write, in: w..<w + 1) else { continue }
                steps = world.accessStep(.write, path: p, address: address, hpa: hpa)
                code = hpa
            }
            let gpa = entry.gpa + code % entry.span
            steps += path.prefix + [Step(actor: path.actor, action: .remap(target: victim, gpa: gpa, hpa: code, permissions: [.read, .write, .execute])),
                                    Step(actor: victim, action: .access(.execute, gpa: gpa, hpa: code, userMode: false))]
            var gain = AttackState()
            gain.controls = [victim]
            gain.injected = [victim]
            moves.append(Move(steps: steps, gain: gain, label: "remap \(victim) to the attacker's code"))
        }
        return moves
    }

    /// The entry to rewrite and the path that writes it: the first mapping's first leaf when the
    /// attacker reaches it, else the lowest entry it reaches.
    private func writableEntry(_ layout: EPTTableLayout, first: Mapping?, _ world: World) -> (EPTTableLayout.Entry, AccessPath)? {
        if let first, let entry = layout.entry(for: first.gpa), let (path, _, _) = world.find(.write, in: entry.address..<entry.address + 1) {
            return (entry, path)
        }
        for interval in world.reachable(.write).intervals {
            for entry in layout.entries(in: interval) {
                if let (path, _, _) = world.find(.write, in: entry.address..<entry.address + 1) { return (entry, path) }
            }
        }
        return nil
    }

    // MARK: - Control structures

    /// Clearing the bits of ports 0xB2, 0xCF8–0xCFF and MSRs 0x200–0x201 in bitmaps the attacker can write.
    private func bitmapMoves(_ world: World) -> [Move] {
        var moves: [Move] = []
        for context in world.state.controls.sorted() {
            guard let vtl = platform.vtl(of: context) else { continue }
            let vmcs = vtl.vmcs
            if vmcs.primary(VMXControls.primaryUseIOBitmaps), let name = vmcs.ioBitmapRegion, let region = platform.region(named: name) {
                for ports in [[Layout.apmControlPort], Array(Layout.pciConfigAddress...Layout.pciConfigData + 3)] {
                    let missing = ports.filter { vmcs.ioAction(for: $0) == .exit && !world.state.ioPass.contains(.init(principal: context, number: $0)) }
                    guard !missing.isEmpty else { continue }
                    let offset = UInt64(ports[0] & 0x7FFF) / 64 * 8 + (ports[0] >= 0x8000 ? Layout.ioBitmapBOffset : 0)
                    let hpa = region.base + offset
                    guard let (path, address, _) = world.find(.write, in: hpa..<hpa + 8) else { continue }
                    var value: UInt64 = 0
                    for bit in 0..<64 {
                        let port = UInt32((ports[0] & ~63) + UInt32(bit))
                        if vmcs.ioAction(for: port) == .exit && !ports.contains(port) { value |= 1 << UInt64(bit) }
                    }
                    var gain = AttackState()
                    gain.ioPass = Set(ports.map { .init(principal: context, number: $0) })
                    moves.append(Move(steps: path.prefix + [Step(actor: path.actor, action: .store(gpa: address, hpa: hpa, value: value))], gain: gain,
                                      label: "clear the I/O bitmap bits of \(ports.map { hex(UInt64($0)) }.joined(separator: ","))"))
                }
            }
            if vmcs.primary(VMXControls.primaryUseMSRBitmaps), let name = vmcs.msrBitmapRegion, let region = platform.region(named: name) {
                let msrs = [Layout.mtrrPhysBase0, Layout.mtrrPhysMask0]
                let missing = msrs.filter { vmcs.msrExits($0, write: true) && !world.state.msrPass.contains(.init(principal: context, number: $0)) }
                guard !missing.isEmpty else { continue }
                let hpa = region.base + 0x800 + UInt64(Layout.mtrrPhysBase0) / 64 * 8
                guard let (path, address, _) = world.find(.write, in: hpa..<hpa + 8) else { continue }
                var value: UInt64 = 0
                for bit in 0..<64 {
                    let msr = (Layout.mtrrPhysBase0 & ~63) + UInt32(bit)
                    if vmcs.msrExits(msr, write: true) && !msrs.contains(msr) { value |= 1 << UInt64(bit) }
                }
                var gain = AttackState()
                gain.msrPass = Set(msrs.map { .init(principal: context, number: $0) })
                moves.append(Move(steps: path.prefix + [Step(actor: path.actor, action: .store(gpa: address, hpa: hpa, value: value))], gain: gain,
                                  label: "clear the MSR bitmap bits of the MTRRs"))
            }
        }
        return moves
    }

    /// SKL031: an MSR-load area naming a non-existent MSR shuts the platform down at the next VM transition.
    private func msrAreaMoves(_ world: World) -> [Move] {
        guard platform.cpu.errata.contains(.msrLoadShutdown), !world.state.shutdown else { return [] }
        var moves: [Move] = []
        var gain = AttackState()
        gain.shutdown = true
        for context in world.state.controls.sorted() {
            guard let vtl = platform.vtl(of: context) else { continue }
            for area in vtl.vmcs.msrAreas where area.kind != .exitStore && !area.entries.isEmpty {
                if area.entries.contains(where: { !MSRCatalog.exists($0.index, on: platform.cpu) }) {
                    moves.append(Move(steps: [Step(actor: context, action: .reenter)], gain: gain, label: "load a non-existent MSR"))
                } else if let name = area.region, let region = platform.region(named: name),
                    let (path, address, hpa) = world.find(.write, in: region.base..<region.base + 8)
                {
                    let store = Step(actor: path.actor, action: .store(gpa: address, hpa: hpa, value: UInt64(MSRCatalog.missing)))
                    moves.append(Move(steps: path.prefix + [store, Step(actor: context, action: .reenter)], gain: gain, label: "make the MSR-load area name a non-existent MSR"))
                }
            }
        }
        return moves
    }

    /// XSA-304: an executable EPT superpage under a guest that flips its page size.
    private func pageSizeMoves(_ world: World) -> [Move] {
        guard platform.cpu.errata.contains(.pageSizeChangeMCE), !world.state.shutdown else { return [] }
        var gain = AttackState()
        gain.shutdown = true
        for context in world.state.controls.sorted() {
            guard let vtl = platform.vtl(of: context), vtl.vmcs.eptEnabled else { continue }
            if let m = vtl.mappings.first(where: { $0.pageSize != .size4K && !$0.permissions.intersection([.execute, .userExecute]).isEmpty }) {
                return [Move(steps: [Step(actor: context, action: .flipPageSize(gpa: m.gpa))], gain: gain, label: "flip the page size under an executable superpage")]
            }
        }
        return []
    }

    /// VMCS shadowing: VMWRITE of fields the hypervisor trusts (EPT pointer, controls).
    private func vmwriteMoves(_ world: World) -> [Move] {
        var moves: [Move] = []
        for context in world.state.controls.sorted() {
            guard let vtl = platform.vtl(of: context), vtl.vmcs.shadowingEnabled, let shadowing = vtl.vmcs.shadowing else { continue }
            let pass = Set(shadowing.vmwritePass)
            if pass.contains(0x201A) {
                for partition in platform.partitions {
                    for other in partition.vtls {
                        let target = Principal.vtl(partition: partition.name, level: other.level)
                        guard target != context, let root = Layout.eptRoot(of: other, in: platform), !world.state.switched.contains([context, target]) else { continue }
                        var gain = AttackState()
                        gain.switched = [[context, target]]
                        moves.append(Move(steps: [Step(actor: context, action: .vmwrite(field: 0x201A, value: Layout.eptp(root: root))), Step(actor: context, action: .reenter)],
                                          gain: gain, label: "point the EPT pointer at \(target)'s EPT"))
                    }
                }
            }
            if !world.state.eptOff.contains(context), pass.contains(0x401E) || pass.contains(0x4002) {
                var gain = AttackState()
                gain.eptOff = [context]
                let step: Step = pass.contains(0x401E)
                    ? Step(actor: context, action: .vmwrite(field: 0x401E, value: UInt64(vtl.vmcs.value(.secondary) & ~(1 << UInt32(VMXControls.secondaryEnableEPT)))))
                    : Step(actor: context, action: .vmwrite(field: 0x4002, value: UInt64(vtl.vmcs.value(.primary) & ~(1 << UInt32(VMXControls.primaryActivateSecondary)))))
                moves.append(Move(steps: [step, Step(actor: context, action: .reenter)], gain: gain, label: "turn EPT off"))
            }
        }
        return moves
    }

    // MARK: - SMM

    /// SMRAM cache poisoning (MTRRs without SMRR) and opening SMRAM (SMRAMC without D_LCK).
    private func smmMoves(_ world: World) -> [Move] {
        guard let smm = platform.smm, let smram = world.smram else { return [] }
        var moves: [Move] = []
        for context in world.state.controls.sorted() {
            guard let vtl = platform.vtl(of: context) else { continue }
            let vmcs = vtl.vmcs
            if !smm.smrr, !world.state.smramCached {
                let writable = [Layout.mtrrPhysBase0, Layout.mtrrPhysMask0].allSatisfy {
                    !vmcs.msrExits($0, write: true) || world.state.msrPass.contains(.init(principal: context, number: $0))
                }
                if writable {
                    let mask = ~(smram.size - 1) & ((1 << UInt64(platform.cpu.maxPhysAddr)) - 1) & ~0xFFF | 0x800
                    var gain = AttackState()
                    gain.smramCached = true
                    moves.append(Move(steps: [Step(actor: context, action: .msr(index: Layout.mtrrPhysBase0, value: smram.base | 6, write: true)),
                                              Step(actor: context, action: .msr(index: Layout.mtrrPhysMask0, value: mask, write: true))],
                                      gain: gain, label: "make SMRAM write-back cacheable"))
                }
            }
            if !smm.locked, !world.state.smramOpen {
                let native = { (port: UInt32) in
                    !vmcs.ioExits(port: port, size: 4) || (port..<port + 4).allSatisfy { world.state.ioPass.contains(.init(principal: context, number: $0)) }
                }
                if native(Layout.pciConfigAddress) && native(Layout.pciConfigData) {
                    var gain = AttackState()
                    gain.smramOpen = true
                    moves.append(Move(steps: [Step(actor: context, action: .io(port: Layout.pciConfigAddress, size: 4, value: Layout.smramcConfigAddress, write: true)),
                                              Step(actor: context, action: .io(port: Layout.pciConfigData, size: 4, value: Layout.smramcOpenValue, write: true))],
                                      gain: gain, label: "open SMRAM"))
                }
            }
        }
        return moves
    }
}
