import Foundation
@testable import Platform

/// Random small platforms, deterministic per seed and valid per the validator: two to four
/// principals (partitions, optionally a root partition with VTL 1, a DMA device with or
/// without an IOMMU, SMM), a few regions (secrets, control structures: EPT tables, I/O and
/// MSR bitmaps, MSR-load areas, IOMMU tables), mappings with random rights and page sizes,
/// VMCS controls and bitmap rules (port 0xB2 passing or exiting among them), SMM settings,
/// a handler or two with random guards and effects, and random properties.
///
/// Generated as ``Platform`` values; ``MoatPrinter`` prints them as `.moat` text that
/// parses back to the same platform.
struct PlatformGenerator {
    var rng: SplitMix64
    var regions: [Region] = []
    private var cursor: UInt64 = 0x10_0000

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let rights: [Permissions] = [[.read], [.read, .write], [.read, .execute], [.read, .write, .execute], [.execute]]

    // MARK: - Regions

    private mutating func region(_ name: String, size: UInt64, owner: Principal?, kind: RegionKind, secret: Bool = false) -> Region {
        let alignment = max(size, 0x10_0000)
        let base = (cursor + alignment - 1) / alignment * alignment
        cursor = base + alignment
        let r = Region(name: name, base: base, size: size, owner: owner, kind: kind, isSecret: secret)
        regions.append(r)
        return r
    }

    private func named(_ name: String) -> Region? { regions.first { $0.name == name } }

    // MARK: - The platform

    mutating func generate(name: String) -> Platform {
        regions = []
        cursor = 0x10_0000
        var cpu = CPU()
        if rng.chance(0.15) { cpu.errata.insert(.msrLoadShutdown) }
        if rng.chance(0.15) { cpu.errata.insert(.pageSizeChangeMCE) }

        // Principals.
        let count = rng.pick([1, 2, 2, 2, 3])
        let hasRoot = rng.chance(0.3)
        let names = (hasRoot ? ["root"] : []) + ["g1", "g2", "g3"].prefix(hasRoot ? count - 1 : count)
        let rootHasVTL1 = hasRoot && rng.chance(0.6)
        let hasSMM = rng.chance(0.4)
        let hasDevice = rng.chance(0.3)

        // Regions.
        _ = region("hv.code", size: 0x1_0000, owner: .hypervisor, kind: .code)
        if rng.chance(0.7) { _ = region("hv.data", size: 0x4000, owner: .hypervisor, kind: .secret) }
        if rng.chance(0.2) { _ = region("hv.stack", size: 0x1000, owner: .hypervisor, kind: .stack) }
        if rng.chance(0.3) { _ = region("buf", size: 0x1000, owner: nil, kind: .data) }
        if rng.chance(0.25) {
            let owner: Principal = rng.chance(0.5) ? .hypervisor : .partition(rng.pick(names))
            _ = region("spare", size: 0x1000, owner: owner, kind: .free)
        }
        for p in names {
            let large = rng.chance(0.2)
            _ = region("\(p).ram", size: large ? 0x20_0000 : 0x1_0000, owner: .partition(p), kind: .ram, secret: rng.chance(0.5))
        }
        if rootHasVTL1 { _ = region("sk.ram", size: 0x4000, owner: .vtl(partition: "root", level: 1), kind: .secret) }
        if hasSMM {
            _ = region("smram", size: 0x1_0000, owner: .smm, kind: .smram)
        }

        // Partitions (their control structures are regions too).
        var partitions: [Partition] = []
        for p in names {
            let levels = p == "root" && rootHasVTL1 ? [0, 1] : [0]
            var vtls: [VTL] = []
            for level in levels { vtls.append(vtl(level, of: p, names: names, cpu: cpu)) }
            if levels.count == 2, rng.chance(0.5) {
                vtls[1].protections[0] = [protection(over: vtls[0])]
            }
            partitions.append(Partition(name: p, kind: p == "root" ? .root : .guest, vtls: vtls))
        }
        var devices: [Device] = []
        if hasDevice { devices.append(device(assignedTo: rng.pick(names))) }

        var hypervisor = Hypervisor()
        hypervisor.scrubOnFree = rng.chance(0.6)
        var smm: SMM?
        if hasSMM {
            var s = SMM()
            s.smram = "smram"
            s.smrr = rng.chance(0.5)
            s.locked = rng.chance(0.5)
            s.open = !s.locked && rng.chance(0.3)
            s.tsegDMAProtection = rng.chance(0.5)
            s.codeCheck = rng.chance(0.5)
            smm = s
        }
        let handlerCount = rng.pick([0, 1, 1, 2, 2])
        var triggers = Set<Trigger>()
        for _ in 0..<handlerCount {
            let trigger = hypervisorTrigger()
            guard triggers.insert(trigger).inserted else { continue }
            hypervisor.handlers.append(handler(trigger, inSMM: false, partitions: names, comm: nil))
        }
        if hasSMM, rng.chance(0.5) {
            var comm: String?
            if rng.chance(0.5) {
                comm = region("comm", size: 0x1000, owner: .partition(rng.pick(names)), kind: .commBuffer).name
                // The comm buffer must be reachable by someone: its owner maps it.
                if let i = partitions.firstIndex(where: { .partition($0.name) == named("comm")?.owner }) {
                    let gpa: UInt64 = 0x100_0000
                    partitions[i].vtls[0].mappings.append(Mapping(gpa: gpa, size: 0x1000, target: .region("comm", offset: 0), hpa: named("comm")!.base,
                                                                  permissions: [.read, .write]))
                }
            }
            smm!.handlers.append(handler(.smi(1), inSMM: true, partitions: names, comm: comm))
        }

        var platform = Platform(name: name, cpu: cpu, regions: regions.sorted { $0.base < $1.base }, hypervisor: hypervisor,
                                partitions: partitions, smm: smm, devices: devices)
        platform.properties = properties(of: platform)
        return platform
    }

    // MARK: - VTLs

    private mutating func vtl(_ level: Int, of p: String, names: [String], cpu: CPU) -> VTL {
        let me = Principal.vtl(partition: p, level: level)
        var v = VTL(level: level)
        v.vmcs = vmcs(for: me, names: names)
        let tag = level == 0 && !(p == "root" && named("sk.ram") != nil) ? p : "\(p)\(level)"
        if rng.chance(0.25) { v.eptRegion = region("\(tag).ept", size: 0x1_0000, owner: .hypervisor, kind: .pageTables).name }
        let ram = named("\(p).ram")!
        if level == 1 {
            v.mappings.append(map(0, ram, size: ram.size, rights: rng.pick([[.read, .write], [.read, .write, .execute]]), page: ram.size == 0x20_0000 ? .size2M : .size4K))
            let sk = named("sk.ram")!
            v.mappings.append(map(0x100_0000, sk, size: sk.size, rights: [.read, .write, .execute]))
        } else {
            var rights = rng.pick([[.read, .write, .execute], [.read, .write, .execute], [.read, .write], [.read, .execute]] as [Permissions])
            if v.vmcs.mbecEnabled, rng.chance(0.5) { rights.insert(.userExecute) }
            let page: PageSize = ram.size == 0x20_0000 && rng.chance(0.6) ? .size2M : .size4K
            v.mappings.append(map(0, ram, size: ram.size, rights: rights, page: page))
        }
        // Extra mappings: the configuration mistakes the attacks are made of.
        let others = regions.filter { $0.name != ram.name && $0.kind != .free }
        for k in 0..<rng.pick([0, 0, 1, 1, 2]) where !others.isEmpty {
            let target = rng.pick(others)
            let gpa = 0x200_0000 + UInt64(k) * 0x20_0000
            var rights = rng.pick(Self.rights)
            if v.vmcs.mbecEnabled, rng.chance(0.3) { rights.insert(.userExecute) }
            if target.size == 0x20_0000, rng.chance(0.5) {
                v.mappings.append(map(gpa, target, size: target.size, rights: rights, page: .size2M))
            } else {
                let whole = target.size <= 0x1_0000 && rng.chance(0.5)
                let offset: UInt64 = whole ? 0 : rng.pick([0, target.size - 0x1000])
                v.mappings.append(map(gpa, target, offset: offset, size: whole ? target.size : 0x1000, rights: rights))
            }
        }
        return v
    }

    private func map(_ gpa: UInt64, _ region: Region, offset: UInt64 = 0, size: UInt64, rights: Permissions, page: PageSize = .size4K) -> Mapping {
        Mapping(gpa: gpa, size: size, target: .region(region.name, offset: offset), hpa: region.base + offset, permissions: rights, pageSize: page)
    }

    private mutating func protection(over vtl0: VTL) -> VTLProtection {
        let m = vtl0.mappings[0]
        let size: UInt64 = rng.pick([0x1000, 0x1_0000])
        let gpa = m.gpa + rng.pick([0, m.size - size])
        return VTLProtection(gpa: gpa, size: size, permissions: rng.pick([[], [.read], [.read, .execute], [.read, .write]]))
    }

    private mutating func vmcs(for me: Principal, names: [String]) -> VMCSConfig {
        var c = VMCSConfig()
        let tag = me.description.replacingOccurrences(of: ".vtl", with: "")
        if rng.chance(0.35) { c.ioRules.append(PortRule(action: .pass, low: 0xB2, high: 0xB2, location: .synthetic)) }
        if rng.chance(0.15) { c.ioRules.append(PortRule(action: .pass, low: 0xCF8, high: 0xCFF, location: .synthetic)) }
        if rng.chance(0.2) {
            c.msrRules.append(MSRRule(action: .pass, access: .init(read: false, write: true), low: 0x200, high: 0x201, location: .synthetic))
        }
        if rng.chance(0.2) { c.ioBitmapRegion = region("\(tag).io", size: 0x2000, owner: .hypervisor, kind: .ioBitmap).name }
        if rng.chance(0.15) { c.msrBitmapRegion = region("\(tag).msrbm", size: 0x1000, owner: .hypervisor, kind: .msrBitmap).name }
        if rng.chance(0.12) {
            let area = region("\(tag).msrs", size: 0x1000, owner: .hypervisor, kind: .msrArea).name
            let index = rng.chance(0.3) ? MSRCatalog.missing : 0x10
            c.msrAreas.append(MSRArea(kind: .entryLoad, region: area, entries: [.init(index: index, value: 0)], location: .synthetic))
        }
        let secondary = c.value(.secondary)
        let primary = c.value(.primary)
        switch rng.int(0...19) {
        case 0:  // EPT off (and with it unrestricted guest, which needs it)
            c.values[.secondary] = secondary & ~(1 << UInt32(VMXControls.secondaryEnableEPT) | 1 << UInt32(VMXControls.secondaryUnrestrictedGuest))
        case 1:  // no I/O bitmaps: I/O runs natively
            c.values[.primary] = primary & ~(1 << UInt32(VMXControls.primaryUseIOBitmaps))
        case 2:  // unconditional I/O exiting instead of bitmaps
            c.values[.primary] = primary & ~(1 << UInt32(VMXControls.primaryUseIOBitmaps)) | 1 << UInt32(VMXControls.primaryUnconditionalIO)
        case 3, 4:
            c.values[.secondary] = secondary | 1 << UInt32(VMXControls.secondaryModeBasedExecute)
        default:
            break
        }
        return c
    }

    private mutating func device(assignedTo p: String) -> Device {
        guard rng.chance(0.65) else { return Device(name: "dev", assignedTo: .partition(p), iommu: false) }
        let ram = named("\(p).ram")!
        var d = Device(name: "dev", assignedTo: .partition(p), iommu: true)
        if rng.chance(0.3) { d.iommuRegion = region("dev.iommu", size: 0x1_0000, owner: .hypervisor, kind: .iommuTables).name }
        d.mappings.append(map(0, ram, size: ram.size, rights: [.read, .write]))
        let others = regions.filter { $0.name != ram.name && $0.kind != .free }
        if rng.chance(0.4), !others.isEmpty {
            let target = rng.pick(others)
            d.mappings.append(map(0x200_0000, target, size: 0x1000, rights: rng.pick([[.read], [.read, .write]])))
        }
        return d
    }

    // MARK: - Properties

    private mutating func properties(of platform: Platform) -> [Property] {
        var attackers: [Principal] = platform.partitions.map { .partition($0.name) }
        if let d = platform.devices.first, rng.chance(0.15) { attackers.append(.device(d.name)) }
        var result: [Property] = []
        var claims = Set<String>()
        for k in 0..<rng.int(1...3) {
            let attacker = rng.pick(attackers)
            let home = attacker.partition ?? platform.devices.first?.assignedTo.partition
            let side = Set([attacker] + platform.devices.filter { $0.assignedTo == attacker }.map { .device($0.name) })
            var targets: [Target] = [.principal(.hypervisor)]
            targets += platform.partitions.filter { $0.name != home }.map { .partition($0.name) }
            if platform.smm != nil { targets.append(.principal(.smm)) }
            if home == "root", platform.partition(named: "root")?.vtl(1) != nil { targets.append(.principal(.vtl(partition: "root", level: 1))) }
            let foreign = platform.regions.filter { r in r.owner.map { !side.contains($0) && $0.partition != home } ?? true }
            let goal: Goal
            switch rng.int(0...9) {
            case 0...2: goal = .read(rng.chance(0.2) && !foreign.isEmpty ? .region(rng.pick(foreign).name) : rng.pick(targets))
            case 3...5: goal = .write(rng.chance(0.2) && !foreign.isEmpty ? .region(rng.pick(foreign).name) : rng.pick(targets))
            case 6...7: goal = .exec(rng.chance(0.15) && attacker.partition != nil ? .principal(attacker) : rng.pick(targets))
            default: goal = .dos
            }
            let property = Property(name: "p\(k + 1)", attacker: attacker, goal: goal)
            guard claims.insert(property.claim).inserted else { continue }
            result.append(property)
        }
        return result
    }
}
