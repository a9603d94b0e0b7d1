import Testing
@testable import Machine

/// EPTP validity, DOMAIN.md §1.1 (KUT `test_ept_eptp` loops).
@Suite("EPTP validity")
struct EPTPTests {
    static let base: UInt64 = 0x5000 | (3 << 3) | 6  // 4-level, WB

    @Test("memory types: only UC (CAP[8]) and WB (CAP[14])", arguments: 0..<8)
    func memoryTypes(_ type: Int) {
        let eptp = EPTP(rawValue: (Self.base & ~7) | UInt64(type))
        #expect(eptp.isValid(under: .modern) == (type == 0 || type == 6))
        let wbOnly = EPTCapabilities.modern.with { $0.uncacheableStructures = false }
        #expect(eptp.isValid(under: wbOnly) == (type == 6))
        let ucOnly = EPTCapabilities.modern.with { $0.writeBackStructures = false }
        #expect(eptp.isValid(under: ucOnly) == (type == 0))
    }

    @Test("walk lengths: 3 (4-level) and 4 (5-level, CAP[7])", arguments: 0..<8)
    func walkLengths(_ lengthMinusOne: Int) {
        let eptp = EPTP(rawValue: (Self.base & ~0x38) | (UInt64(lengthMinusOne) << 3))
        #expect(eptp.levels == lengthMinusOne + 1)
        #expect(eptp.isValid(under: .modern) == (lengthMinusOne == 3 || lengthMinusOne == 4))
        let no5 = EPTCapabilities.modern.with { $0.fiveLevelWalk = false }
        #expect(eptp.isValid(under: no5) == (lengthMinusOne == 3))
        if !(lengthMinusOne == 3 || lengthMinusOne == 4) {
            #expect(eptp.problem(under: .modern) == .walkLength(lengthMinusOne + 1))
        }
    }

    @Test("bits 11:7: only 0 is valid", arguments: 0..<32)
    func reservedBits(_ value: Int) {
        let eptp = EPTP(rawValue: Self.base | (UInt64(value) << 7))
        #expect(eptp.isValid(under: .modern) == (value == 0))
    }

    @Test("bits at or above MAXPHYADDR", arguments: 12...63)
    func highBits(_ bit: Int) {
        let eptp = EPTP(rawValue: Self.base | (1 << UInt64(bit)))
        #expect(eptp.isValid(under: .modern) == (bit < 46))
        let narrow = EPTCapabilities.modern.with { $0.maxPhysicalAddressWidth = 39 }
        #expect(eptp.isValid(under: narrow) == (bit < 39))
    }

    @Test func accessedDirtyBitNeedsCapability() {
        let eptp = EPTP(rawValue: Self.base | (1 << 6))
        #expect(eptp.accessedDirtyEnabled)
        #expect(eptp.isValid(under: .modern))
        let noAD = EPTCapabilities.modern.with { $0.accessedDirty = false }
        #expect(eptp.problem(under: noAD) == .accessedDirtyUnsupported)
    }

    @Test func fieldsDecode() {
        let eptp = EPTP(rootAddress: 0x1234_5000, levels: 5, memoryType: 0, accessedDirty: true)
        #expect(eptp.rawValue == 0x1234_5000 | (4 << 3) | (1 << 6))
        #expect(eptp.rootAddress == 0x1234_5000)
        #expect(eptp.levels == 5 && eptp.memoryType == 0 && eptp.accessedDirtyEnabled)
    }

    @Test func walkerRejectsInvalidEPTP() {
        #expect(throws: EPTP.Problem.memoryType(1)) {
            try EPTWalker(eptp: EPTP(rawValue: (Self.base & ~7) | 1))
        }
    }

    @Test func modernCapabilitiesMSR() {
        let caps = EPTCapabilities.modern
        #expect(caps.executeOnly && caps.fourLevelWalk && caps.fiveLevelWalk)
        #expect(caps.uncacheableStructures && caps.writeBackStructures)
        #expect(caps.pages2M && caps.pages1G && caps.accessedDirty && caps.invept)
        #expect(caps.maxPhysicalAddressWidth == 46)
        #expect(caps.msr & 0x0F01_0673_41C1 == 0x0F01_0673_41C1)
    }
}
