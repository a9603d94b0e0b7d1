import Platform

/// Generators of the reference platforms of issue 8: fragmented, realistic mappings.
/// RP-S: 2 partitions, 10^2 ranges. RP-M: 8 partitions (a root partition with VTL0 and VTL1),
/// 10^4 ranges each, 4 devices behind an IOMMU, SMM, 32 hypercall handlers. RP-L: 64
/// partitions, 10^6 ranges in all.
enum ReferencePlatform {
    struct Shape {
        var partitions: Int
        var rangesPerPartition: Int
        var root: Bool
        var devices: Int
        var handlers: Int
    }

    static let small = Shape(partitions: 2, rangesPerPartition: 50, root: false, devices: 0, handlers: 2)
    static let medium = Shape(partitions: 8, rangesPerPartition: 10_000, root: true, devices: 4, handlers: 32)
    static let large = Shape(partitions: 64, rangesPerPartition: 15_625, root: true, devices: 8, handlers: 32)

    /// A platform of the given shape; `seed` fixes the fragmentation.
    static func make(_ shape: Shape, seed: UInt64 = 0x5EED) -> Platform {
        var random = SplitMix64(state: seed)
        var p = Platform(name: "RP \(shape.partitions)×\(shape.rangesPerPartition)", file: "<generated>")
        p.regions.append(Region(name: "hv.code", base: 0x10_0000, size: 0x20_0000, owner: .hypervisor, kind: .code, isSecret: false))
        p.regions.append(Region(name: "hv.data", base: 0x40_0000, size: 0x40_0000, owner: .hypervisor, kind: .data, isSecret: true))
        p.regions.append(Region(name: "smram", base: 0x7F00_0000, size: 0x80_0000, owner: .smm, kind: .smram, isSecret: false))
        var smm = SMM()
        smm.smram = "smram"
        p.smm = smm
        // Each partition owns a RAM region of 4 KiB × 16 per range, mapped in fragments.
        let ramPerRange: UInt64 = 0x1_0000
        var nextBase: UInt64 = 0x1_0000_0000
        for index in 0..<shape.partitions {
            let name = index == 0 && shape.root ? "root" : "g\(index)"
            let size = UInt64(shape.rangesPerPartition) * ramPerRange
            let ram = Region(name: "\(name).ram", base: nextBase, size: size, owner: .vtl(partition: name, level: 0), kind: .ram, isSecret: true)
            p.regions.append(ram)
            nextBase += size + 0x1000_0000
            var mappings: [Mapping] = []
            var gpa: UInt64 = 0
            for r in 0..<UInt64(shape.rangesPerPartition) {
                // A fragment of 1–16 pages at a random place in the range's slot, with random rights.
                let pages = 1 + random.next() % 16
                let offset = (random.next() % (16 - pages + 1)) * 0x1000
                let rights: [Permissions] = [[.read], [.read, .write], [.read, .execute], [.read, .write, .execute]]
                let hpa = ram.base + r * ramPerRange + offset
                mappings.append(Mapping(gpa: gpa, size: pages * 0x1000, target: .host(hpa), hpa: hpa, permissions: rights[Int(random.next() % 4)]))
                gpa += pages * 0x1000 + 0x1000 * (random.next() % 4)
            }
            var vtls = [VTL(level: 0, mappings: mappings)]
            if index == 0 && shape.root {
                let sk = Region(name: "sk.ram", base: nextBase, size: 0x1000_0000, owner: .vtl(partition: name, level: 1), kind: .data, isSecret: true)
                p.regions.append(sk)
                nextBase += 0x2000_0000
                let skMap = Mapping(gpa: 0x100_0000_0000, size: sk.size, target: .host(sk.base), hpa: sk.base, permissions: .rwx)
                vtls.append(VTL(level: 1, mappings: mappings.map { var m = $0; m.permissions.remove(.execute); return m } + [skMap]))
            }
            p.partitions.append(Partition(name: name, kind: index == 0 && shape.root ? .root : .guest, vtls: vtls))
        }
        for d in 0..<shape.devices {
            let owner = p.partitions[d % p.partitions.count]
            let ram = p.regions.first { $0.name == "\(owner.name).ram" }!
            let maps = (0..<UInt64(16)).map { i in Mapping(gpa: i * 0x10_0000, size: 0x1000, target: .host(ram.base + i * 0x1_0000), hpa: ram.base + i * 0x1_0000, permissions: [.read, .write]) }
            p.devices.append(Device(name: "dev\(d)", assignedTo: .vtl(partition: owner.name, level: 0), iommu: true, mappings: maps))
        }
        // Hypercalls that copy between a guest buffer and a hypervisor scratch area, with correct checks.
        for h in 0..<shape.handlers {
            let buf = Expr(.name("buf")), len = Expr(.name("len"))
            let guardExpr = Expr(.binary(.le, len, Expr(.number(0x1000))))
            let within = Expr(.call(.within, [Expr(.name("off")), len, Expr(.number(0)), Expr(.number(0x1000))]))
            let body = [
                Statement(.require(guardExpr)), Statement(.require(within)),
                Statement(.effect(.copy(from: .guest(buf), to: .host(Expr(.binary(.add, Expr(.number(0x7000_0000 + UInt64(h) * 0x1000)), Expr(.name("off"))))), length: len))),
            ]
            p.hypervisor.handlers.append(Handler(trigger: .hypercall(UInt64(0x100 + h)), name: "h\(h)", parameters: ["buf", "off", "len"], body: body))
        }
        p.regions.append(Region(name: "scratch", base: 0x7000_0000, size: 0x10_0000, owner: nil, kind: .data, isSecret: false))
        p.regions.sort { $0.base < $1.base }
        return p
    }
}
