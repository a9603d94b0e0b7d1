@testable import Machine
import Platform

/// The concrete steps the explorer tries in a state, with parameters from bounded domains:
/// - memory accesses, DMA and stores at the **points** — the first and last quadword of
///   every region and of every mapping's host range, and SMBASE + 0x8000 — through every
///   translation that reaches them now (found among the current EPT or IOMMU leaves and
///   confirmed by a hardware walk);
/// - rewrites of each VTL's and device's leaf of each declared mapping, to the leaf that
///   holds each region's first byte;
/// - hypercalls, VM exits and SMIs with arguments from ``ArgumentDomain``, skipping those
///   the handler's leading `require`s reject;
/// - port 0xB2, PCI configuration of SMRAMC, the MTRRs that cache SMRAM, VMFUNC, the
///   VMWRITEs the checker models, re-entry and page-size flips;
/// - victims running code: every VTL fetching at the points, the hypervisor at its code.
///
/// The attacker acts through every context it controls now (``PlatformMachine/control(of:)``).
///
/// Steps that cannot change the state or the goals are left out: a read that obtains no byte
/// of a region some `read` goal names, and a fetch of bytes that are not the attacker's (by a
/// context the attacker does not control, or, for code integrity, bytes no step wrote).
struct StepCandidates {
    let platform: Platform
    let attacker: Principal
    let points: [UInt64]
    /// The attacker and its devices.
    let side: Set<Principal>
    /// The regions (indices) whose bytes a `read` goal explored needs.
    let wanted: Set<Int>
    /// Quadwords in control structures worth storing to, with the value to store.
    let stores: [(hpa: UInt64, value: UInt64)]
    let plans: [HandlerPlan]

    init(platform: Platform, attacker: Principal, properties: [Property]) {
        self.platform = platform
        self.attacker = attacker
        side = Set([attacker] + platform.devices.filter { $0.assignedTo == attacker }.map { .device($0.name) })
        var read = Set<String>()
        for p in properties { if case .read(let t) = p.goal { read.formUnion(platform.regions(of: t).map(\.name)) } }
        wanted = Set(platform.regions.indices.filter { read.contains(platform.regions[$0].name) })
        var points = Set<UInt64>()
        for r in platform.regions {
            points.insert(r.base)
            if r.size > 8 { points.insert(r.end - 8) }
        }
        let mappings = platform.partitions.flatMap { $0.vtls.flatMap(\.mappings) } + platform.devices.flatMap(\.mappings)
        for m in mappings {
            points.insert(m.hpa)
            if m.size > 8 { points.insert(m.hpaEnd - 8) }
        }
        if let smram = platform.smm?.smram.flatMap({ platform.region(named: $0) }), smram.size > Layout.smmEntryOffset {
            points.insert(smram.base + Layout.smmEntryOffset)
        }
        let sortedPoints = points.sorted()
        self.points = sortedPoints
        // Handler arguments aim at fewer places: the goals' regions (both ends), where
        // contexts start running (hypervisor code, SMBASE + 0x8000), control structures, and
        // the first byte of every other region (a source, or a staging place to read back).
        var aims = Set<UInt64>()
        var targets = Set<String>()
        for p in properties { if let t = p.goal.target { targets.formUnion(platform.regions(of: t).map(\.name)) } }
        for r in platform.regions {
            aims.insert(r.base)
            if targets.contains(r.name), r.size > 8 { aims.insert(r.end - 8) }
        }
        if let smram = platform.smm?.smram.flatMap({ platform.region(named: $0) }), smram.size > Layout.smmEntryOffset {
            aims.insert(smram.base + Layout.smmEntryOffset)
        }
        let sortedAims = aims.sorted()
        var stores: [(UInt64, UInt64)] = []
        for r in platform.regions {
            switch r.kind {
            case .ioBitmap:
                stores.append((r.base + UInt64(Layout.apmControlPort) / 64 * 8, 0))
                stores.append((r.base + UInt64(Layout.pciConfigAddress) / 64 * 8, 0))
            case .msrBitmap: stores.append((r.base + 0x800 + UInt64(Layout.mtrrPhysBase0) / 64 * 8, 0))
            case .msrArea: stores.append((r.base, UInt64(MSRCatalog.missing)))
            default: break
            }
        }
        self.stores = stores
        plans = (platform.hypervisor.handlers + (platform.smm?.handlers ?? [])).map { HandlerPlan($0, platform: platform, points: sortedAims) }
    }

    // MARK: - Reach

    /// One state as the candidates see it, with each principal's current leaves found once.
    struct View {
        var machine: PlatformMachine
        let points: [UInt64]
        /// Each principal's leaves, or nil when it accesses memory physically.
        private var leaves: [Principal: [EPTSlot]?] = [:]

        init(_ machine: PlatformMachine, points: [UInt64]) {
            self.machine = machine
            self.points = points
        }

        private mutating func leaves(of principal: Principal) -> [EPTSlot]? {
            if let known = leaves[principal] { return known }
            var found: [EPTSlot]?
            if let root = machine.currentRoot(of: principal) {
                var list: [EPTSlot] = []
                EPTTables.forEachLeaf(root: root.address, mbec: root.mbec, levels: root.levels, in: machine.memory, budget: 1 << 16) { leaf in
                    list.append(leaf)
                    return list.count < 4096
                }
                found = list
            }
            leaves[principal] = .some(found)
            return found
        }

        /// An address of `principal`'s own through which it reaches host-physical `hpa` with
        /// `access` now (confirmed by a hardware walk).
        mutating func address(_ principal: Principal, _ hpa: UInt64, _ access: EPTAccess) -> UInt64? {
            if case .vtl = principal, machine.processors[principal] == nil { return nil }
            guard let leaves = leaves(of: principal) else { return hpa }
            for leaf in leaves where hpa >= leaf.frame && hpa - leaf.frame < leaf.span {
                let gpa = leaf.gpaBase + (hpa - leaf.frame)
                if case .success(let reached) = machine.translate(principal, gpa, access: access), reached == hpa { return gpa }
            }
            return nil
        }

        /// Which points `principal` reaches with `access`, and through which address.
        mutating func reach(_ principal: Principal, _ access: EPTAccess) -> [(gpa: UInt64, hpa: UInt64)] {
            points.compactMap { p in address(principal, p, access).map { ($0, p) } }
        }
    }

    // MARK: - Steps

    /// Whether reading 8 bytes at `hpa` can obtain a byte some goal wants.
    private func worthReading(_ hpa: UInt64, _ state: PlatformMachine) -> Bool {
        !wanted.isEmpty && state.origins.origins(hpa, count: 8).contains { $0.regionIndex.map(wanted.contains) ?? false }
    }

    /// Whether `context` running the bytes at `hpa` can change what the attacker achieved.
    private func worthRunning(_ context: Principal, _ hpa: UInt64, user: Bool, _ state: PlatformMachine, _ control: Set<Principal>) -> Bool {
        let origin = state.origins.origin(at: hpa)
        if side.contains(context) { return origin == .attacker && !user }
        if control.contains(context) { return false }  // taken over already
        return state.isAttackers(origin, side: side)
    }

    func steps(in state: PlatformMachine) -> [Step] {
        var view = View(state, points: points)  // walks do not change memory with A/D flags off
        let control = state.control(of: attacker).all
        var steps: [Step] = []
        let vtls = platform.partitions.flatMap(\.principals)
        for actor in control.sorted() {
            switch actor {
            case .vtl:
                steps += vtlSteps(actor, &view)
            case .device:
                for (address, hpa) in view.reach(actor, .read) where worthReading(hpa, state) {
                    steps.append(Step(actor: actor, action: .dma(.read, address: address, hpa: hpa)))
                }
                for (address, hpa) in view.reach(actor, .write) { steps.append(Step(actor: actor, action: .dma(.write, address: address, hpa: hpa))) }
            case .hypervisor, .smm:
                for p in points {
                    if worthReading(p, state) { steps.append(Step(actor: actor, action: .access(.read, gpa: p, hpa: p, userMode: false))) }
                    steps.append(Step(actor: actor, action: .access(.write, gpa: p, hpa: p, userMode: false)))
                }
                if actor == .hypervisor { steps += portSteps(actor) }
            }
        }
        // Victims run code where they fetch: written or not, the machine judges whose bytes they are.
        for v in vtls where !control.contains(v) {
            steps += fetches(v, &view, control)
        }
        if !control.contains(.hypervisor) {
            for r in platform.regions where r.owner == .hypervisor && r.kind == .code {
                for p in points where r.contains(p) && worthRunning(.hypervisor, p, user: false, state, control) {
                    steps.append(Step(actor: .hypervisor, action: .access(.execute, gpa: p, hpa: p, userMode: false)))
                }
            }
        }
        return steps
    }

    private func fetches(_ v: Principal, _ view: inout View, _ control: Set<Principal>) -> [Step] {
        var steps: [Step] = []
        let state = view.machine
        let candidates = points.filter { worthRunning(v, $0, user: false, state, control) || worthRunning(v, $0, user: true, state, control) }
        guard !candidates.isEmpty else { return [] }
        for hpa in candidates {
            if worthRunning(v, hpa, user: false, state, control), let gpa = view.address(v, hpa, .fetch(userAddress: false)) {
                steps.append(Step(actor: v, action: .access(.execute, gpa: gpa, hpa: hpa, userMode: false)))
            }
            if let p = state.processors[v], state.mbecEnabled(p), worthRunning(v, hpa, user: true, state, control),
               let gpa = view.address(v, hpa, .fetch(userAddress: true)) {
                steps.append(Step(actor: v, action: .access(.execute, gpa: gpa, hpa: hpa, userMode: true)))
            }
        }
        return steps
    }

    private func vtlSteps(_ a: Principal, _ view: inout View) -> [Step] {
        var steps: [Step] = []
        let reads = view.reach(a, .read)
        let writes = view.reach(a, .write)
        for (gpa, hpa) in reads where worthReading(hpa, view.machine) {
            steps.append(Step(actor: a, action: .access(.read, gpa: gpa, hpa: hpa, userMode: false)))
        }
        for (gpa, hpa) in writes { steps.append(Step(actor: a, action: .access(.write, gpa: gpa, hpa: hpa, userMode: false))) }
        steps += fetches(a, &view, view.machine.control(of: attacker).all)
        for store in stores {
            guard let gpa = view.address(a, store.hpa, .write) else { continue }
            steps.append(Step(actor: a, action: .store(gpa: gpa, hpa: store.hpa, value: store.value)))
        }
        steps += remaps(by: a, &view)
        let guest = Array(Set((reads + writes).map(\.gpa))).sorted()
        for plan in plans where plan.accepts(a) {
            steps += plan.steps(caller: a, guest: guest, machine: view.machine)
        }
        steps += portSteps(a)
        let vtl = platform.vtl(of: a)
        if let list = vtl?.vmcs.vmfunc {
            for i in list.entries.indices { steps.append(Step(actor: a, action: .vmfunc(index: UInt32(i)))) }
        }
        if let vtl, vtl.vmcs.shadowingEnabled, let shadowing = vtl.vmcs.shadowing {
            let pass = Set(shadowing.vmwritePass)
            if pass.contains(0x201A) {
                for p in platform.partitions {
                    for other in p.vtls {
                        guard let root = Layout.eptRoot(of: other, in: platform) else { continue }
                        steps.append(Step(actor: a, action: .vmwrite(field: 0x201A, value: Layout.eptp(root: root))))
                    }
                }
            }
            if pass.contains(0x401E) {
                let value = vtl.vmcs.value(.secondary) & ~(1 << UInt32(VMXControls.secondaryEnableEPT))
                steps.append(Step(actor: a, action: .vmwrite(field: 0x401E, value: UInt64(value))))
            }
        }
        steps.append(Step(actor: a, action: .reenter))
        for m in vtl?.mappings ?? [] where m.pageSize != .size4K {
            steps.append(Step(actor: a, action: .flipPageSize(gpa: m.gpa)))
        }
        return steps
    }

    /// Rewrites of the leaf of each declared mapping of every VTL and device, to each
    /// region's first byte, when the actor can write the entry.
    private func remaps(by a: Principal, _ view: inout View) -> [Step] {
        var steps: [Step] = []
        var targets: [(Principal, [Mapping], Bool)] = platform.partitions.flatMap { p in
            p.vtls.map { (Principal.vtl(partition: p.name, level: $0.level), $0.mappings, true) }
        }
        targets += platform.devices.filter(\.iommu).map { (.device($0.name), $0.mappings, false) }
        for (target, mappings, isVTL) in targets {
            guard let root = view.machine.currentRoot(of: target) else { continue }
            for m in mappings {
                guard root.fits(m.gpa) else { continue }
                let slot = EPTTables.slot(root: root.address, gpa: m.gpa, mbec: root.mbec, levels: root.levels, in: view.machine.memory)
                guard slot.isLeaf || slot.level == 1 else { continue }
                guard view.address(a, slot.address, .write) != nil else { continue }
                for r in platform.regions {
                    let hpa = (r.base & ~(slot.span - 1)) | (m.gpa & (slot.span - 1))
                    let rights: Permissions = isVTL ? [.read, .write, .execute] : [.read, .write]
                    steps.append(Step(actor: a, action: .remap(target: target, gpa: m.gpa, hpa: hpa, permissions: rights)))
                }
            }
        }
        return steps
    }

    /// Port 0xB2 (an SMI for each handler and for 0), SMRAMC through PCI configuration,
    /// and the MTRR writes that make SMRAM write-back.
    private func portSteps(_ a: Principal) -> [Step] {
        guard let smm = platform.smm, let smram = smm.smram.flatMap({ platform.region(named: $0) }) else { return [] }
        var steps: [Step] = []
        var numbers: [UInt8] = [0]
        for h in smm.handlers { if case .smi(let n) = h.trigger, !numbers.contains(n) { numbers.append(n) } }
        for n in numbers { steps.append(Step(actor: a, action: .io(port: Layout.apmControlPort, size: 1, value: UInt64(n), write: true))) }
        steps.append(Step(actor: a, action: .io(port: Layout.pciConfigAddress, size: 4, value: Layout.smramcConfigAddress, write: true)))
        steps.append(Step(actor: a, action: .io(port: Layout.pciConfigData, size: 4, value: Layout.smramcOpenValue, write: true)))
        let mask = ~(smram.size - 1) & ((1 << UInt64(platform.cpu.maxPhysAddr)) - 1) & ~0xFFF | 0x800
        steps.append(Step(actor: a, action: .msr(index: Layout.mtrrPhysBase0, value: smram.base | 6, write: true)))
        steps.append(Step(actor: a, action: .msr(index: Layout.mtrrPhysMask0, value: mask, write: true)))
        return steps
    }
}
