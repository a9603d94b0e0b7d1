import Platform
import Testing
@testable import Machine

/// `map` and `unmap` effects, and remapping a large leaf.
@Suite("Replay: map, unmap and large leaves")
struct ReplayMapTests {
    static let model = """
        platform "map" {
          region hv.data  0x0020_0000 size 2M  owner hypervisor kind data secret
          region g1.ept   0x0050_0000 size 64K owner hypervisor kind page-tables
          region g1.ram   0x1000_0000 size 16M owner guest1 kind ram
          partition guest1 {
            ept in g1.ept
            map 0x0 size 8M -> g1.ram rwx page 2M
            map 0x0100_0000 size 64K -> g1.ept rw
          }
          hypervisor {
            hypercall 0x10 "map_foreign" (gpa, hpa, size) { map guest gpa size size -> host hpa r }
            hypercall 0x11 "balloon" (gpa) { unmap guest gpa size 0x1000 }
          }
        }
        """

    @Test func aMapEffectAddsFourKiBLeavesInsideALargeOne() throws {
        let steps = [step(guest1, .hypercall(number: 0x10, arguments: [0x20_3000, 0x0020_0000, 0x2000])),
                     step(guest1, .access(.read, gpa: 0x20_4008, hpa: 0x0020_1008, userMode: false))]
        let (v, m) = replay(Self.model, guest1, .read(.principal(.hypervisor)), steps)
        #expect(v.isConfirmed, "\(v.text)")
        let machine = try #require(m)
        let tables = try #require(machine.processors[guest1]?.tables)
        #expect(EPTTables.slot(root: tables.root, gpa: 0x20_3000, in: machine.memory).level == 1)
        // The rest of the 2-MiB leaf still maps guest1's RAM.
        var copy = machine
        #expect(try copy.translate(guest1, 0x20_5000, access: .write).get() == 0x1020_5000)
        // An unaligned map has no effect.
        let unaligned = replay(Self.model, guest1, .read(.principal(.hypervisor)),
                               [step(guest1, .hypercall(number: 0x10, arguments: [0x20_3000, 0x0020_0800, 0x1000])),
                                step(guest1, .access(.read, gpa: 0x20_3000, hpa: 0x0020_0800, userMode: false))])
        #expect(unaligned.validation.refutedStep == 1)
        #expect(unaligned.machine?.events.contains { $0.text.contains("has no effect (not 4-KiB aligned") } == true)
    }

    @Test func anUnmapRemovesThePage() {
        let v = replay(Self.model, guest1, .read(.partition("guest1")),
                       [step(guest1, .hypercall(number: 0x11, arguments: [0x1000])),
                        step(guest1, .access(.read, gpa: 0x1000, hpa: 0x1000_1000, userMode: false))]).validation
        #expect(v.refutedStep == 1 && v.text.contains("EPT violation"), "\(v.text)")
    }

    /// guest1 writes its own PDE (its EPT region is mapped into it): the 2-MiB leaf
    /// keeps PS and now maps hv.data.
    @Test func remappingALargeLeafKeepsItsPageSize() throws {
        let steps = [step(guest1, .remap(target: guest1, gpa: 0x40_0000, hpa: 0x0020_0000, permissions: [.read])),
                     step(guest1, .access(.read, gpa: 0x5F_FFF8, hpa: 0x003F_FFF8, userMode: false))]
        let (v, m) = replay(Self.model, guest1, .read(.principal(.hypervisor)), steps)
        #expect(v.isConfirmed, "\(v.text)")
        let machine = try #require(m)
        let slot = EPTTables.slot(root: machine.processors[guest1]!.tables.root, gpa: 0x40_0000, in: machine.memory)
        #expect(slot.level == 2 && slot.isLeaf && slot.entry == 0x0020_0000 | 0x80 | 6 << 3 | 1)
    }
}
