import Foundation
import Platform
import Testing
@testable import Machine

/// The machine builds its EPT and IOMMU tables where Platform's `EPTTableLayout` (the
/// convention the checker reads to name the entry a remap rewrites) says they are.
@Suite("EPT table layout")
struct EPTTableLayoutTests {
    /// Two EPTs sharing a region, a protection cutting a 2-MiB page, and a device's tables.
    static let shared = """
        platform "shared tables" {
          region g.ram 0x200000 size 0x400000 owner root kind ram
          region tables 0x1000000 size 0x20000 owner hypervisor kind page-tables
          region d.ram 0x2000000 size 0x10000 owner root kind ram
          region nic.tables 0x1100000 size 0x10000 owner hypervisor kind iommu-tables
          device nic assigned root iommu in nic.tables { map 0x0 size 0x10000 -> d.ram rw }
          partition root kind root {
            vtl 0 {
              ept in tables
              map 0x200000 size 0x400000 -> g.ram rwx page 2M
              map 0x8000000000 size 0x1000 -> d.ram rw
            }
            vtl 1 {
              ept in tables
              map 0x0 size 0x10000 -> d.ram rw
              protect vtl 0 0x201000 size 0x1000 r
            }
          }
        }
        """

    static func platforms() throws -> [Platform] {
        var result = try ModelsTests.files.map(ModelsTests.load)
        result.append(try Platform.parse(shared, file: "shared.moat").platform)
        return result
    }

    @Test func theMachineBuildsTablesWhereTheLayoutSays() throws {
        for platform in try Self.platforms() {
            let machine = try PlatformMachine(platform: platform)
            let layouts = EPTTableLayout.layouts(of: platform)
            var principals: [(Principal, [Mapping])] = platform.partitions.flatMap { p in
                p.vtls.filter { $0.eptRegion != nil }.map { (Principal.vtl(partition: p.name, level: $0.level), $0.mappings) }
            }
            principals += platform.devices.filter { $0.iommu && $0.iommuRegion != nil }.map { (.device($0.name), $0.mappings) }
            for (principal, mappings) in principals {
                let layout = try #require(layouts[principal], "\(platform.name): no layout for \(principal)")
                let root = try #require(machine.currentRoot(of: principal))
                #expect(layout.root == root.address)
                for m in mappings {
                    for gpa in [m.gpa, m.gpaEnd - 0x1000, m.gpa + m.size / 2 & ~0xFFF] {
                        let slot = EPTTables.slot(root: root.address, gpa: gpa, mbec: root.mbec, in: machine.memory)
                        let entry = layout.entry(for: gpa)
                        #expect(entry?.address == slot.address && entry?.level == slot.level,
                                "\(platform.name): \(principal) gpa \(String(gpa, radix: 16)): layout \(String(describing: entry)), machine level \(slot.level) at \(String(slot.address, radix: 16))")
                    }
                }
            }
        }
    }
}
