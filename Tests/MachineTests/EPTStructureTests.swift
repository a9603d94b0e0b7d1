import Testing
@testable import Machine

/// A bit set in one entry of the fixture path, with the expected effect.
struct BitCase: CustomStringConvertible, Sendable {
    var level: Int
    var bit: Int
    var description: String { "L\(level) bit \(bit)" }
}

/// MAXPHYADDR of `.modern`.
private let maxPhys = 46
private let highReservedBits = Array(maxPhys...51)

/// Reserved bits per level from DOMAIN.md §1.2 (non-leaf PML4E/PDPTE/PDE, 4K PTE).
let reservedBitCases: [BitCase] =
    ([3, 4, 5, 6, 7] + highReservedBits).map { BitCase(level: 4, bit: $0) }
    + ([3, 4, 5, 6] + highReservedBits).map { BitCase(level: 3, bit: $0) }
    + ([3, 4, 5, 6] + highReservedBits).map { BitCase(level: 2, bit: $0) }
    + highReservedBits.map { BitCase(level: 1, bit: $0) }

/// Ignored bits per level from DOMAIN.md §1.2: A (8), 9, 11, 52–62 everywhere; 63 too
/// (suppress #VE is ignored with the #VE control off); 10 without MBEC; IPAT (6) and 7 in a PTE.
let ignoredBitCases: [BitCase] =
    [1, 2, 3, 4].flatMap { level in
        ([8, 9, 10, 11] + Array(52...63)).map { BitCase(level: level, bit: $0) }
    } + [6, 7].map { BitCase(level: 1, bit: $0) }

@Suite("EPT structure checks")
struct EPTStructureTests {
    @Test("reserved bits misconfigure for every access", arguments: reservedBitCases)
    func reservedBit(_ c: BitCase) {
        var fixture = EPTFixture { level, entry in level == c.level ? entry | (1 << UInt64(c.bit)) : entry }
        let noLargePages = EPTCapabilities.modern.with { $0.pages2M = false; $0.pages1G = false }
        for caps in [EPTCapabilities.modern, noLargePages] {
            for access in allAccesses {
                #expect(fixture.walk(access, capabilities: caps) == .misconfiguration(gpa: EPTFixture.gpa),
                        "\(access)")
            }
        }
    }

    @Test("reserved bits of a not-present entry are ignored", arguments: reservedBitCases)
    func notPresentIgnoresReserved(_ c: BitCase) {
        var fixture = EPTFixture { level, entry in
            level == c.level ? (entry & ~EPTFixture.full) | (1 << UInt64(c.bit)) : entry
        }
        for access in allAccesses {
            // Bits 5:3 report 0 because the AND includes the not-present entry (§1.4).
            let expected = EPTOutcome.violation(qualification: access.qualificationBits, gpa: EPTFixture.gpa)
            #expect(fixture.walk(access) == expected, "\(access)")
            #expect(fixture.walk(access, mbec: true) == expected, "\(access) with MBEC")
        }
    }

    @Test("ignored bits do not change outcomes", arguments: ignoredBitCases)
    func ignoredBit(_ c: BitCase) {
        // Start from entries without XU so that bit 10 really changes.
        var plain = EPTFixture { _, entry in entry & ~0x400 }
        var fixture = EPTFixture { level, entry in
            level == c.level ? (entry & ~0x400) | (1 << UInt64(c.bit)) : entry & ~0x400
        }
        for access in allAccesses {
            #expect(fixture.walk(access) == plain.walk(access), "\(access)")
        }
        #expect(fixture.walk(.read) == .translated(hpa: EPTFixture.hpa, pageSize: .size4K))
    }

    @Test("leaf memory types", arguments: 0..<8)
    func memoryType(_ type: Int) {
        var fixture = EPTFixture { level, entry in
            level == 1 ? (entry & ~0x38) | (UInt64(type) << 3) : entry
        }
        let valid = [0, 1, 4, 5, 6].contains(type)  // UC WC WT WP WB; 2, 3, 7 reserved
        for access in allAccesses {
            let outcome = fixture.walk(access)
            #expect(outcome == (valid ? .translated(hpa: EPTFixture.hpa, pageSize: .size4K)
                : .misconfiguration(gpa: EPTFixture.gpa)), "\(access)")
        }
    }

    /// (name, level, bits cleared, bits set) of a misconfigured entry.
    static let misconfigurations: [(String, Int, UInt64, UInt64)] = [
        ("-w- leaf", 1, EPTFixture.full, 2),
        ("-wx PDE", 2, EPTFixture.full, 6),
        ("PS at PML4E", 4, 0, 0x80),
        ("memory type 2", 1, 0x38, 0x10),
        ("memory type 3", 1, 0x38, 0x18),
        ("memory type 7", 1, 0x38, 0x38),
        ("reserved bit 51 in PDPTE", 3, 0, 1 << 51),
    ]

    @Test("misconfiguration regardless of access type", arguments: misconfigurations)
    func misconfigAnyAccess(_ name: String, _ level: Int, _ clear: UInt64, _ set: UInt64) {
        var fixture = EPTFixture { l, entry in l == level ? (entry & ~clear) | set : entry }
        for access in allAccesses {
            for mbec in [false, true] {
                #expect(fixture.walk(access, mbec: mbec) == .misconfiguration(gpa: EPTFixture.gpa),
                        "\(name) \(access)")
            }
        }
    }

    @Test func executeOnlyLeafMisconfiguresWithoutCapability() {
        var fixture = EPTFixture { level, entry in level == 1 ? (entry & ~EPTFixture.full) | 4 : entry }
        let noXO = EPTCapabilities.modern.with { $0.executeOnly = false }
        #expect(fixture.walk(.read, capabilities: noXO) == .misconfiguration(gpa: EPTFixture.gpa))
        #expect(fixture.walk(.fetchSupervisor) == .translated(hpa: EPTFixture.hpa, pageSize: .size4K))
        #expect(fixture.walk(.read) == .violation(qualification: 1 | 32, gpa: EPTFixture.gpa))
    }

    @Test("top-down: a not-present upper entry hides a misconfigured lower one")
    func notPresentBeforeMisconfig() {
        var fixture = EPTFixture { level, entry in
            switch level {
            case 3: entry & ~EPTFixture.full
            case 1: (entry & ~EPTFixture.full) | 2
            default: entry
            }
        }
        #expect(fixture.walk(.read) == .violation(qualification: 1, gpa: EPTFixture.gpa))
    }

    @Test("top-down: a misconfigured entry under a rights-restricting one still misconfigures")
    func misconfigBeatsUpperRights() {
        var fixture = EPTFixture { level, entry in
            switch level {
            case 3: (entry & ~EPTFixture.full) | 1  // read-only
            case 2: entry | 0x8  // reserved bit 3 in a non-leaf PDE
            default: entry
            }
        }
        #expect(fixture.walk(.write) == .misconfiguration(gpa: EPTFixture.gpa))
    }

    @Test func entriesReadAreReportedTopDown() throws {
        var fixture = EPTFixture()
        let walker = try EPTWalker(eptp: EPTFixture.eptp)
        let walk = walker.walkRecordingEntries(EPTFixture.gpa, access: .read, in: &fixture.memory)
        #expect(walk.outcome == .translated(hpa: EPTFixture.hpa, pageSize: .size4K))
        #expect(walk.entries.map(\.level) == [4, 3, 2, 1])
        #expect(walk.entries.map(\.address) == (1...4).reversed().map { EPTFixture.entryAddress(level: $0) })
        #expect(walk.entries.map(\.value) == (1...4).reversed().map { fixture.entry(level: $0) })
    }

    @Test func linearAddressQualificationBits() throws {
        var fixture = EPTFixture { level, entry in level == 1 ? (entry & ~EPTFixture.full) | 1 : entry }
        let walker = try EPTWalker(eptp: EPTFixture.eptp)
        #expect(walker.walk(EPTFixture.gpa, access: .write, linear: .finalTranslation, in: &fixture.memory)
            == .violation(qualification: 0x180 | 2 | 8, gpa: EPTFixture.gpa))
        #expect(walker.walk(EPTFixture.gpa, access: .write, linear: .pagingStructure, in: &fixture.memory)
            == .violation(qualification: 0x80 | 2 | 8, gpa: EPTFixture.gpa))
    }
}
