import Testing
@testable import Machine

@Suite("I/O and MSR bitmaps")
struct BitmapTests {
    static let io = IOBitmaps(bitmapA: 0x1_0000, bitmapB: 0x2_0000)
    static let msr = MSRBitmap(address: 0x3_0000)
    static let bitmaps: PrimaryProcessorControls = [.useIOBitmaps, .useMSRBitmaps]

    /// The byte of bitmap A or B that holds `port`, computed from §4.1's formula.
    static func byteOf(_ port: Int) -> UInt64 {
        (port < 0x8000 ? 0x1_0000 : 0x2_0000) + UInt64((port & 0x7FFF) / 8)
    }

    @Test("single ports in A and B", arguments: [0x0000, 0x0007, 0x00B2, 0x0CF8, 0x7FFF, 0x8000, 0xABCD, 0xFFFF])
    func singlePort(port: Int) {
        var memory = PhysicalMemory()
        memory.write8(1 << UInt8(port & 7), at: Self.byteOf(port))
        #expect(Self.io.ioExits(port: UInt16(port), size: 1, controls: Self.bitmaps, in: memory))
        #expect(!Self.io.ioExits(port: UInt16(port ^ 1), size: 1, controls: Self.bitmaps, in: memory))
    }

    @Test func multiByteChecksEveryByteAcrossTheABBoundary() {
        var memory = PhysicalMemory()
        // Only port 0x8000 (bit 0 of bitmap B) is set.
        memory.write8(1, at: 0x2_0000)
        #expect(Self.io.ioExits(port: 0x7FFF, size: 2, controls: Self.bitmaps, in: memory))
        #expect(!Self.io.ioExits(port: 0x7FFF, size: 1, controls: Self.bitmaps, in: memory))
        #expect(Self.io.ioExits(port: 0x7FFD, size: 4, controls: Self.bitmaps, in: memory))
        #expect(!Self.io.ioExits(port: 0x7FFB, size: 4, controls: Self.bitmaps, in: memory))
        // Only port 0x7FFF (bit 7 of A's last byte) is set.
        var other = PhysicalMemory()
        other.write8(0x80, at: 0x1_0FFF)
        #expect(Self.io.ioExits(port: 0x7FFE, size: 2, controls: Self.bitmaps, in: other))
        #expect(!Self.io.ioExits(port: 0x8000, size: 4, controls: Self.bitmaps, in: other))
    }

    @Test("wrap past 0xFFFF always exits", arguments: [(0xFFFF, 2), (0xFFFF, 4), (0xFFFE, 4), (0xFFFD, 4)])
    func wrap(port: Int, size: Int) {
        let memory = PhysicalMemory()  // every bit clear
        #expect(Self.io.ioExits(port: UInt16(port), size: size, controls: Self.bitmaps, in: memory))
        #expect(!Self.io.ioExits(port: 0xFFFC, size: 4, controls: Self.bitmaps, in: memory))
        #expect(!Self.io.ioExits(port: 0xFFFE, size: 2, controls: Self.bitmaps, in: memory))
    }

    @Test func ioControlCombinations() {
        var memory = PhysicalMemory()
        Self.io.setExiting(port: 0xB2, in: &memory)
        // Both off: native, even for 0xB2 (the SMI port).
        #expect(!Self.io.ioExits(port: 0xB2, size: 1, controls: [], in: memory))
        // Unconditional only: everything exits.
        #expect(Self.io.ioExits(port: 0x60, size: 1, controls: .unconditionalIOExiting, in: memory))
        // Bitmaps win over unconditional exiting.
        let both: PrimaryProcessorControls = [.useIOBitmaps, .unconditionalIOExiting]
        #expect(!Self.io.ioExits(port: 0x60, size: 1, controls: both, in: memory))
        #expect(Self.io.ioExits(port: 0xB2, size: 1, controls: both, in: memory))
        Self.io.setExiting(port: 0xB2, false, in: &memory)
        #expect(!Self.io.ioExits(port: 0xB2, size: 1, controls: both, in: memory))
        Self.io.setExiting(ports: 0x7FF0...0x800F, in: &memory)
        // Ports 0x7FF0–0x7FFF are A's last two bytes; 0x8000–0x800F are B's first two.
        #expect(memory.read32(0x1_0FFC) == 0xFFFF_0000)
        #expect(memory.read32(0x2_0000) == 0x0000_FFFF)
    }

    // MARK: MSR bitmap (§4.2)

    /// The byte offset of an MSR's bit from §4.2's quarter table.
    static func msrOffset(_ msr: UInt32, write: Bool) -> UInt64 {
        let quarter: UInt64 = msr >= 0xC000_0000 ? (write ? 0xC00 : 0x400) : (write ? 0x800 : 0)
        return quarter + UInt64((msr & 0x1FFF) / 8)
    }

    @Test("covered MSRs exit iff their own bit is set",
          arguments: [0x0, 0x10, 0x1B, 0x1FFF, 0xC000_0000, 0xC000_0080, 0xC000_1FFF] as [UInt32])
    func coveredMSR(msr: UInt32) {
        for write in [false, true] {
            var memory = PhysicalMemory()
            memory.write8(1 << UInt8(msr & 7), at: 0x3_0000 + Self.msrOffset(msr, write: write))
            #expect(Self.msr.msrExits(msr, write: write, controls: Self.bitmaps, in: memory))
            #expect(!Self.msr.msrExits(msr, write: !write, controls: Self.bitmaps, in: memory))
        }
    }

    @Test("MSRs outside both ranges always exit", arguments: [0x2000, 0x4000_0000, 0xBFFF_FFFF, 0xC000_2000, 0xFFFF_FFFF] as [UInt32])
    func uncoveredMSR(msr: UInt32) {
        let memory = PhysicalMemory()
        #expect(Self.msr.msrExits(msr, write: false, controls: Self.bitmaps, in: memory))
        #expect(Self.msr.msrExits(msr, write: true, controls: Self.bitmaps, in: memory))
        #expect(MSRBitmap.location(of: msr, write: false) == nil)
    }

    @Test func edgesOfTheRanges() {
        let memory = PhysicalMemory()
        #expect(!Self.msr.msrExits(0x1FFF, write: false, controls: Self.bitmaps, in: memory))
        #expect(Self.msr.msrExits(0x2000, write: false, controls: Self.bitmaps, in: memory))
        #expect(!Self.msr.msrExits(0xC000_1FFF, write: true, controls: Self.bitmaps, in: memory))
        #expect(Self.msr.msrExits(0xC000_2000, write: true, controls: Self.bitmaps, in: memory))
        #expect(MSRBitmap.location(of: 0x1FFF, write: false)! == (0x3FF, 7))
        #expect(MSRBitmap.location(of: 0xC000_1FFF, write: true)! == (0xFFF, 7))
    }

    @Test func msrBitmapsOffMeansEverythingExits() {
        let memory = PhysicalMemory()
        for msr: UInt32 in [0x10, 0xC000_0080, 0x2000] {
            #expect(Self.msr.msrExits(msr, write: false, controls: .useIOBitmaps, in: memory))
            #expect(Self.msr.msrExits(msr, write: true, controls: [], in: memory))
        }
    }

    @Test func msrBuilder() {
        var memory = PhysicalMemory()
        Self.msr.setExiting(0xC000_0080, read: false, write: true, in: &memory)
        Self.msr.setExiting(0x1B, read: true, in: &memory)
        #expect(memory.read8(0x3_0000 + 0xC10) == 1)
        #expect(memory.read8(0x3_0000 + 0x3) == 0x08)
        #expect(!Self.msr.msrExits(0xC000_0080, write: false, controls: Self.bitmaps, in: memory))
        #expect(Self.msr.msrExits(0xC000_0080, write: true, controls: Self.bitmaps, in: memory))
        Self.msr.setAll(true, in: &memory)
        #expect(Self.msr.msrExits(0x10, write: false, controls: Self.bitmaps, in: memory))
    }
}
