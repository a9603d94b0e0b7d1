import Testing
@testable import Machine

@Suite("PhysicalMemory")
struct PhysicalMemoryTests {
    @Test func untouchedMemoryReadsZeroWithoutAllocating() {
        let memory = PhysicalMemory()
        #expect(memory.read64(0) == 0)
        #expect(memory.read8(PhysicalMemory.limit - 1) == 0)
        #expect(memory.read32(0x1234_5678_9ABC) == 0)
        #expect(memory.allocatedPageCount == 0)
    }

    @Test func writingZeroToAnUntouchedPageAllocatesNothing() {
        var memory = PhysicalMemory()
        memory.write64(0, at: 0x5000)
        #expect(memory.allocatedPageCount == 0)
    }

    @Test(arguments: [1, 2, 4, 8])
    func littleEndianRoundTrip(size: Int) {
        var memory = PhysicalMemory()
        let value: UInt64 = 0x8877_6655_4433_2211
        let mask: UInt64 = size == 8 ? ~0 : (1 << UInt64(size * 8)) - 1
        for address: UInt64 in [0x1000, 0x1003, 0x1FFF, 0x2FFD, 0xF_FFFF_FFFF_FFF8] {
            let address = min(address, PhysicalMemory.limit - UInt64(size))
            memory.writeLittleEndian(value, at: address, count: size)
            #expect(memory.readLittleEndian(address, count: size) == value & mask)
            // Little-endian: the lowest address holds the least significant byte.
            #expect(memory.read8(address) == 0x11)
            if size > 1 { #expect(memory.read8(address + UInt64(size) - 1) == UInt8(0x11 * size)) }
        }
    }

    @Test func accessCrossingAPageBoundary() {
        var memory = PhysicalMemory()
        memory.write64(0x0102_0304_0506_0708, at: 0x1FFD)
        #expect(memory.read8(0x1FFD) == 0x08)
        #expect(memory.read8(0x1FFF) == 0x06)
        #expect(memory.read8(0x2000) == 0x05)
        #expect(memory.read8(0x2004) == 0x01)
        #expect(memory.read32(0x1FFE) == 0x0405_0607)
        #expect(memory.read16(0x1FFF) == 0x0506)
        #expect(memory.allocatedPages == [0x1000, 0x2000])
    }

    @Test func partialWritesPreserveNeighbours() {
        var memory = PhysicalMemory()
        memory.write64(~0, at: 0x100)
        memory.write16(0, at: 0x103)
        #expect(memory.read64(0x100) == 0xFFFF_FF00_00FF_FFFF)
        memory.write8(0x5A, at: 0x107)
        #expect(memory.read64(0x100) == 0x5AFF_FF00_00FF_FFFF)
    }

    @Test func byteRanges() {
        var memory = PhysicalMemory()
        let bytes = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        memory.writeBytes(bytes, at: 0x3FFB)
        #expect(memory.readBytes(0x3FFB, count: 5000) == bytes)
        #expect(memory.read8(0x3FFA) == 0)
        #expect(memory.read8(0x3FFB + 5000) == 0)
        memory.fill(0x4000, count: 16, with: 0xCC)
        #expect(memory.read64(0x4008) == 0xCCCC_CCCC_CCCC_CCCC)
    }

    @Test func zeroPage() {
        var memory = PhysicalMemory()
        memory.write32(0xDEAD_BEEF, at: 0x7FFC)
        memory.write32(0xDEAD_BEEF, at: 0x8000)
        memory.zeroPage(containing: 0x7123)
        #expect(memory.read32(0x7FFC) == 0)
        #expect(memory.read32(0x8000) == 0xDEAD_BEEF)
    }

    @Test func manyPagesSurviveIndexGrowth() {
        var memory = PhysicalMemory()
        for i in 0..<3000 as Range<UInt64> { memory.write64(i + 1, at: i * 0x1000 * 977) }
        for i in 0..<3000 as Range<UInt64> { #expect(memory.read64(i * 0x1000 * 977) == i + 1) }
        #expect(memory.allocatedPageCount == 3000)
    }

    @Test func validity() {
        #expect(PhysicalMemory.isValid(address: PhysicalMemory.limit - 8, count: 8))
        #expect(!PhysicalMemory.isValid(address: PhysicalMemory.limit - 7, count: 8))
        #expect(!PhysicalMemory.isValid(address: PhysicalMemory.limit))
        #expect(!PhysicalMemory.isValid(address: ~0))
    }

    @Test func accessAtTheLimitIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            let memory = PhysicalMemory()
            _ = memory.read8(PhysicalMemory.limit)
        }
        await #expect(processExitsWith: .failure) {
            var memory = PhysicalMemory()
            memory.write32(1, at: PhysicalMemory.limit - 2)
        }
    }
}
