/// I/O bitmaps A and B (VMCS 0x2000 and 0x2002): two 4-KiB pages in physical memory,
/// one bit per port. DOMAIN.md §4.1 (BOCHS `VMexit_IO`, KUT `iobmp_*`).
///
/// Bitmap A covers ports 0x0000–0x7FFF and bitmap B ports 0x8000–0xFFFF; port `p`
/// is bit `p & 7` of byte `(p & 0x7FFF) / 8` of its bitmap.
public struct IOBitmaps: Hashable, Sendable {
    /// Host-physical address of bitmap A.
    public var bitmapA: UInt64
    /// Host-physical address of bitmap B.
    public var bitmapB: UInt64

    /// Names the two bitmap pages.
    public init(bitmapA: UInt64, bitmapB: UInt64) {
        self.bitmapA = bitmapA
        self.bitmapB = bitmapB
    }

    /// The byte address and bit of `port`'s bitmap bit.
    public func location(of port: UInt16) -> (address: UInt64, bit: Int) {
        let base = port < 0x8000 ? bitmapA : bitmapB
        return (base + UInt64((port & 0x7FFF) >> 3), Int(port & 7))
    }

    /// Whether an I/O instruction of `size` bytes at `port` causes a VM exit.
    ///
    /// - "Use I/O bitmaps" = 1: "unconditional I/O exiting" is ignored; the access
    ///   exits iff a bit of ports `port ..< port + size` is set (the range may cross
    ///   from A into B), and always when it wraps past 0xFFFF.
    /// - "Use I/O bitmaps" = 0: it exits iff "unconditional I/O exiting" = 1;
    ///   with both 0 it runs natively.
    ///
    /// - Precondition: `size` is 1, 2 or 4.
    public func ioExits(
        port: UInt16, size: Int, controls: PrimaryProcessorControls, in memory: PhysicalMemory
    ) -> Bool {
        precondition(size == 1 || size == 2 || size == 4, "I/O access size must be 1, 2 or 4")
        guard controls.contains(.useIOBitmaps) else {
            return controls.contains(.unconditionalIOExiting)
        }
        if Int(port) + size > 0x10000 { return true }  // wraps past 0xFFFF: always exits (§4.1)
        for offset in 0..<size {
            let (address, bit) = location(of: port + UInt16(offset))
            if memory.read8(address) >> bit & 1 == 1 { return true }
        }
        return false
    }

    /// Sets (`exits` = true) or clears the bitmap bit of `port`.
    public func setExiting(port: UInt16, _ exits: Bool = true, in memory: inout PhysicalMemory) {
        let (address, bit) = location(of: port)
        let byte = memory.read8(address)
        memory.write8(exits ? byte | (1 << bit) : byte & ~(1 << bit), at: address)
    }

    /// Sets or clears the bitmap bits of every port in `ports`.
    public func setExiting(ports: ClosedRange<UInt16>, _ exits: Bool = true, in memory: inout PhysicalMemory) {
        for port in ports { setExiting(port: port, exits, in: &memory) }
    }

    /// Sets every bit of both bitmaps (all ports exit) or clears them all.
    public func setAll(_ exits: Bool, in memory: inout PhysicalMemory) {
        let value: UInt8 = exits ? 0xFF : 0
        memory.fill(bitmapA, count: 4096, with: value)
        memory.fill(bitmapB, count: 4096, with: value)
    }
}
