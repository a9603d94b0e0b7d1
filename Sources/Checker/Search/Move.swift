import Platform

/// One attacker action: the concrete steps that carry it out and the facts it adds.
struct Move: Hashable {
    var steps: [Step]
    var gain: AttackState
    /// What the move achieves, for explanations.
    var label: String
}

/// Lists the moves available in a state. Only moves that can add a fact are returned.
struct MoveGenerator {
    let platform: Platform
    let property: Property
    let handlers: HandlerMoves

    init(platform: Platform, property: Property, handlers: HandlerMoves) {
        self.platform = platform
        self.property = property
        self.handlers = handlers
    }

    func moves(in state: AttackState) -> [Move] {
        let world = World(platform: platform, state: state, cache: handlers.pathCache)
        var result: [Move] = []
        result += accessMoves(world)
        result += execMoves(world)
        result += remapMoves(world)
        result += bitmapMoves(world)
        result += msrAreaMoves(world)
        result += pageSizeMoves(world)
        result += vmwriteMoves(world)
        result += smmMoves(world)
        result += handlers.moves(world, relevant: relevantRegions, goal: property.goal)
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

    private func accessMoves(_ world: World) -> [Move] {
        var moves: [Move] = []
        for region in relevantRegions {
            let range = region.base..<region.end
            if case .read = property.goal, !world.state.read.contains(region.name) {
                if let (path, address, hpa) = world.find(.read, in: range, where: { $0.handoff == nil }) {
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

    /// Taking over another context: write bytes where it fetches, then let it run them.
    private func execMoves(_ world: World) -> [Move] {
        var moves: [Move] = []
        // Bytes a handler wrote into hypervisor code or SMRAM run there next.
        for region in platform.regions where world.state.written.contains(HandlerMoves.entry(region.name)) {
            var gain = AttackState()
            if region.owner == .hypervisor, region.kind == .code, !world.state.injected.contains(.hypervisor) {
                gain.controls = [.hypervisor]
                gain.injected = [.hypervisor]
                moves.append(Move(steps: [Step(actor: .hypervisor, action: .access(.execute, gpa: region.base, hpa: region.base, userMode: false))],
                                  gain: gain, label: "the hypervisor runs the bytes written into \(region.name)"))
            } else if region.name == world.smram?.name, !world.state.injected.contains(.smm), let source = world.smiSource() {
                gain.controls = [.smm]
                gain.injected = [.smm]
                moves.append(Move(steps: [Step(actor: source, action: .smi(number: 0, arguments: []))], gain: gain, label: "SMM runs the bytes written into SMRAM"))
            }
        }
        let capabilities = world.capabilities
        var injectable = Set<Principal>()
        if case .exec(let target) = property.goal {
            // Code integrity: running self-written bytes in a context the attacker already controls.
            switch target {
            case .principal(let p): injectable = [p]
            case .partition(let name): injectable = Set(platform.partition(named: name)?.principals ?? [])
            case .region: break
            }
        }
        for principal in platform.principals where !world.state.injected.contains(principal)
            && (!world.state.controls.contains(principal) || injectable.contains(principal))
        {
            var gain = AttackState()
            gain.controls = [principal]
            gain.injected = [principal]
            switch principal {
            case .smm:
                guard let smram = world.smram, let source = world.smiSource() else { continue }
                let entry = smram.base + Layout.smmEntryOffset
                guard smram.contains(entry), let (path, address, hpa) = world.find(.write, in: entry..<entry + 8) else { continue }
                let number = platform.smm?.handlers.lazy.compactMap { h -> UInt8? in if case .smi(let n) = h.trigger { return n } else { return nil } }.first ?? 0
                moves.append(Move(steps: world.accessStep(.write, path: path, address: address, hpa: hpa) + [Step(actor: source, action: .smi(number: number, arguments: []))],
                                  gain: gain, label: "run code in SMM"))
            case .device:
                continue
            case .hypervisor, .vtl:
                guard world.core.writesExecutable(of: principal, capabilities) else { continue }
                for range in capabilities.executable(by: .principal(principal)) {
                    guard let (path, address, hpa) = world.find(.write, in: range.base..<(range.base + range.size)) else { continue }
                    var steps = world.accessStep(.write, path: path, address: address, hpa: hpa)
                    if let execPath = range.path {
                        let gpa = execPath.base + (hpa - execPath.hpa)
                        let user = !execPath.rights.contains(.execute)
                        steps.append(Step(actor: principal, action: .access(.execute, gpa: gpa, hpa: hpa, userMode: user)))
                    } else {
                        steps.append(Step(actor: principal, action: .access(.execute, gpa: hpa, hpa: hpa, userMode: false)))
                    }
                    moves.append(Move(steps: steps, gain: gain, label: "run code as \(principal)"))
                    break
                }
            }
        }
        return moves
    }

    /// Rewriting a translation the attacker can write: its own EPT (or a controlled VTL's, or a
    /// device's IOMMU tables) maps a region of interest.
    private func remapMoves(_ world: World) -> [Move] {
        var moves: [Move] = []
        var targets = relevantRegions
        if let smram = world.smram { targets.append(smram) }
        targets += platform.regions.filter { $0.owner == .hypervisor && $0.kind == .code }
        for context in world.state.controls.sorted() {
            let (tableRegion, mappings): (String?, [Mapping])
            switch context {
            case .vtl:
                guard let vtl = platform.vtl(of: context), vtl.vmcs.eptEnabled, !world.state.eptOff.contains(context) else { continue }
                (tableRegion, mappings) = (vtl.eptRegion, vtl.mappings)
            case .device(let name):
                guard let device = platform.device(named: name), device.iommu else { continue }
                (tableRegion, mappings) = (device.iommuRegion, device.mappings)
            default:
                continue
            }
            guard let tableName = tableRegion, let tables = platform.region(named: tableName),
                let (path, _, _) = world.find(.write, in: tables.base..<tables.end), let carrier = mappings.first
            else { continue }
            for region in targets {
                let leaf = carrier.pageSize.bytes
                let hpa = region.base
                let gpa = carrier.gpa + hpa % leaf
                let rights: Permissions = context.partition != nil ? [.read, .write, .execute] : [.read, .write]
                var gain = AttackState()
                gain.extra = [AttackState.ExtraMapping(principal: context, gpa: gpa - hpa % leaf, size: leaf, hpa: hpa - hpa % leaf, rights: rights, handoff: nil,
                                                       origin: carrier.location)]
                let step = Step(actor: path.actor, action: .remap(target: context, gpa: gpa, hpa: hpa, permissions: rights))
                moves.append(Move(steps: path.prefix + [step], gain: gain, label: "remap \(context) to \(region.name)"))
            }
        }
        return moves
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
