import Platform
import Testing
@testable import Machine

@Suite("A machine built from a platform")
struct PlatformMachineBuildTests {
    static let guest1 = Principal.partition("guest1")
    static let guest2 = Principal.partition("guest2")

    @Test func regionsHoldTheirPatterns() throws {
        let m = machine(twoGuests)
        let g2 = try #require(m.patterns.pattern(ofRegion: "g2.ram"))
        #expect(m.memory.read64(0x2000_3000) == g2.value)
        #expect(m.memory.read64(0x20FF_FFF8) == g2.value)
        #expect(m.patterns.owner(ofQuadword: m.memory.read64(0x0010_0000)) == .region("hv.code"))
        #expect(m.memory.read64(0x3000_0000) == 0)
    }

    @Test func theEPTLivesInItsRegionWithTheRootAtTheBase() throws {
        var m = machine(twoGuests)
        let p = try #require(m.processors[Self.guest1])
        #expect(p.tables.root == 0x50_0000)
        #expect(m.currentEPTP(p).rawValue == Layout.eptp(root: 0x50_0000))
        #expect(try m.translate(Self.guest1, 0x3000, access: .read).get() == 0x1000_3000)
        #expect(try m.translate(Self.guest1, 0x20_0000, access: .write).get() == 0x1020_0000)
        // A 2-MiB leaf in the PD (the third table page of the region).
        let slot = EPTTables.slot(root: p.tables.root, gpa: 0x3000, in: m.memory)
        #expect(slot.level == 2 && slot.isLeaf && slot.frame == 0x1000_0000)
        #expect(slot.address >= 0x50_0000 && slot.address < 0x51_0000)
        #expect(throws: StepRefusal.self) { try m.translate(Self.guest1, 0x100_0000, access: .read).get() }
    }

    @Test func anEPTWithoutARegionLivesInHiddenMemory() throws {
        var m = machine(twoGuests)
        let p = try #require(m.processors[Self.guest2])
        #expect(p.tables.root >= 1 << 38 && p.tables.root < 1 << 39)
        #expect(m.platform.region(containing: p.tables.root) == nil)
        #expect(try m.translate(Self.guest2, 0x3000, access: .fetchSupervisor).get() == 0x2000_3000)
    }

    @Test func theVMCSCarriesRealControlsAndBitmapsInMemory() throws {
        let m = machine(twoGuests)
        let p = try #require(m.processors[Self.guest1])
        #expect(p.vmcs == 0x52_0000)
        #expect(VMCSRegion.revisionWord(at: 0x52_0000, in: m.memory) == m.cpu.capabilities.revision)
        let vmcs = m.vmcs(of: p)
        #expect(vmcs.primaryControls.contains(.useIOBitmaps) && vmcs.primaryControls.contains(.useMSRBitmaps))
        #expect(vmcs[.ioBitmapA] == 0x53_0000 && vmcs[.ioBitmapB] == 0x53_1000 && vmcs[.msrBitmap] == 0x53_4000)
        let io = IOBitmaps(bitmapA: 0x53_0000, bitmapB: 0x53_1000)
        #expect(!io.ioExits(port: 0x60, size: 1, controls: vmcs.primaryControls, in: m.memory))
        #expect(io.ioExits(port: 0x64, size: 2, controls: vmcs.primaryControls, in: m.memory))
        #expect(io.ioExits(port: 0xB2, size: 1, controls: vmcs.primaryControls, in: m.memory))
        let msr = MSRBitmap(address: 0x53_4000)
        #expect(!msr.msrExits(0x10, write: false, controls: vmcs.primaryControls, in: m.memory))
        #expect(msr.msrExits(0x10, write: true, controls: vmcs.primaryControls, in: m.memory))
        // The controls pass the VM-entry checks of the machine's own capabilities.
        #expect(m.cpu.capabilities.controlProblem(in: vmcs) == nil)
    }

    @Test func aStructureLargerThanItsRegionIsABuildError() {
        let source = twoGuests.split(separator: "\n").map { $0.contains("region g1.io") ? "region g1.io 0x0053_0000 size 4K owner hypervisor kind io-bitmap" : String($0) }.joined(separator: "\n")
        #expect(throws: MachineBuildError.self) { try PlatformMachine(platform: platform(source)) }
    }
}
