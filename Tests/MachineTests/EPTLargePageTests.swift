import Testing
@testable import Machine

/// 2-MiB and 1-GiB leaves, with and without the capability (DOMAIN.md §1.2–1.3).
@Suite("EPT large pages and A/D flags")
struct EPTLargePageTests {
    static let frame2M: UInt64 = 0x4020_0000
    static let frame1G: UInt64 = 0x8000_0000

    /// The fixture path ending in a 2-MiB leaf PDE (extra bits `extra`).
    static func twoMeg(_ extra: UInt64 = 0) -> EPTFixture {
        EPTFixture { level, entry in
            level == 2 ? frame2M | EPTFixture.full | EPTFixture.wb | 0x80 | extra : entry
        }
    }

    /// The fixture path ending in a 1-GiB leaf PDPTE (extra bits `extra`).
    static func oneGig(_ extra: UInt64 = 0) -> EPTFixture {
        EPTFixture { level, entry in
            level == 3 ? frame1G | EPTFixture.full | EPTFixture.wb | 0x80 | extra : entry
        }
    }

    @Test func twoMegabyteLeaf() {
        var fixture = Self.twoMeg()
        let offset = EPTFixture.gpa & 0x1F_FFFF
        for access in allAccesses {
            #expect(fixture.walk(access) == .translated(hpa: Self.frame2M | offset, pageSize: .size2M))
        }
        let no2M = EPTCapabilities.modern.with { $0.pages2M = false }
        for access in allAccesses {
            #expect(fixture.walk(access, capabilities: no2M) == .misconfiguration(gpa: EPTFixture.gpa))
        }
    }

    @Test func oneGigabyteLeaf() {
        var fixture = Self.oneGig()
        let offset = EPTFixture.gpa & 0x3FFF_FFFF
        for access in allAccesses {
            #expect(fixture.walk(access) == .translated(hpa: Self.frame1G | offset, pageSize: .size1G))
        }
        let no1G = EPTCapabilities.modern.with { $0.pages1G = false }
        for access in allAccesses {
            #expect(fixture.walk(access, capabilities: no1G) == .misconfiguration(gpa: EPTFixture.gpa))
        }
    }

    @Test("2M leaf: address bits 20:12 and ≥ MAXPHYADDR are reserved", arguments: Array(12...20) + Array(46...51))
    func twoMegReserved(bit: Int) {
        var fixture = Self.twoMeg(1 << UInt64(bit))
        for access in allAccesses {
            #expect(fixture.walk(access) == .misconfiguration(gpa: EPTFixture.gpa))
        }
    }

    @Test("1G leaf: address bits 29:12 and ≥ MAXPHYADDR are reserved", arguments: Array(12...29) + Array(46...51))
    func oneGigReserved(bit: Int) {
        var fixture = Self.oneGig(1 << UInt64(bit))
        for access in allAccesses {
            #expect(fixture.walk(access) == .misconfiguration(gpa: EPTFixture.gpa))
        }
    }

    @Test("large leaves: IPAT, A, D, 11 and 52–63 are ignored", arguments: [6, 8, 9, 11] + Array(52...63))
    func largeLeafIgnored(bit: Int) {
        var two = Self.twoMeg(1 << UInt64(bit))
        var one = Self.oneGig(1 << UInt64(bit))
        #expect(two.walk(.write) == .translated(hpa: Self.frame2M | (EPTFixture.gpa & 0x1F_FFFF), pageSize: .size2M))
        #expect(one.walk(.write) == .translated(hpa: Self.frame1G | (EPTFixture.gpa & 0x3FFF_FFFF), pageSize: .size1G))
    }

    @Test func maxPhysicalAddressWidthIsPerProcessor() {
        // Bit 46 is reserved under MAXPHYADDR 46 but a frame bit under MAXPHYADDR 52.
        var fixture = EPTFixture { level, entry in level == 1 ? entry | (1 << 46) : entry }
        #expect(fixture.walk(.read) == .misconfiguration(gpa: EPTFixture.gpa))
        let wide = EPTCapabilities.modern.with { $0.maxPhysicalAddressWidth = 52 }
        #expect(fixture.walk(.read, capabilities: wide)
            == .translated(hpa: EPTFixture.hpa | (1 << 46), pageSize: .size4K))
    }

    // MARK: A/D flags (§1.5)

    @Test func accessedInEveryLevelDirtyOnlyInLeafOnWrite() {
        var fixture = EPTFixture()
        #expect(fixture.walk(.read, eptp: EPTFixture.eptpAD) == .translated(hpa: EPTFixture.hpa, pageSize: .size4K))
        for level in 1...4 {
            #expect(fixture.entry(level: level) & 0x100 != 0, "A at level \(level)")
            #expect(fixture.entry(level: level) & 0x200 == 0, "no D at level \(level)")
        }
        _ = fixture.walk(.write, eptp: EPTFixture.eptpAD)
        #expect(fixture.entry(level: 1) & 0x200 != 0)
        for level in 2...4 { #expect(fixture.entry(level: level) & 0x200 == 0, "no D at level \(level)") }
    }

    @Test func dirtyInLargeLeaf() {
        var fixture = Self.twoMeg()
        _ = fixture.walk(.write, eptp: EPTFixture.eptpAD)
        #expect(fixture.entry(level: 2) & 0x300 == 0x300)
        #expect(fixture.entry(level: 3) & 0x300 == 0x100)
        #expect(fixture.entry(level: 4) & 0x300 == 0x100)
    }

    @Test func noFlagsWithoutEPTP6OrOnFailure() {
        var fixture = EPTFixture()
        _ = fixture.walk(.write)
        for level in 1...4 { #expect(fixture.entry(level: level) & 0x300 == 0) }
        var readOnly = EPTFixture { level, entry in level == 1 ? (entry & ~EPTFixture.full) | 1 : entry }
        #expect(readOnly.walk(.write, eptp: EPTFixture.eptpAD)
            == .violation(qualification: 2 | 8, gpa: EPTFixture.gpa))
        for level in 1...4 { #expect(readOnly.entry(level: level) & 0x300 == 0) }
    }

    @Test func fiveLevelWalk() throws {
        // PML5 at 0x20000 whose entry 0 points to the fixture's PML4.
        var fixture = EPTFixture()
        fixture.memory.write64(EPTFixture.pml4 | EPTFixture.full, at: 0x20000)
        let eptp = EPTP(rootAddress: 0x20000, levels: 5)
        #expect(fixture.walk(.read, eptp: eptp) == .translated(hpa: EPTFixture.hpa, pageSize: .size4K))
        fixture.memory.write64(EPTFixture.pml4 | EPTFixture.full | 0x80, at: 0x20000)
        #expect(fixture.walk(.read, eptp: eptp) == .misconfiguration(gpa: EPTFixture.gpa))
    }
}
