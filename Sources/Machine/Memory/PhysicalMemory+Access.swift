/// Typed and ranged accessors of ``PhysicalMemory``.
extension PhysicalMemory {
    /// The byte at `address`.
    public func read8(_ address: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: readLittleEndian(address, count: 1))
    }

    /// The little-endian 16-bit value at `address` (may be unaligned or cross a page).
    public func read16(_ address: UInt64) -> UInt16 {
        UInt16(truncatingIfNeeded: readLittleEndian(address, count: 2))
    }

    /// The little-endian 32-bit value at `address` (may be unaligned or cross a page).
    public func read32(_ address: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: readLittleEndian(address, count: 4))
    }

    /// The little-endian 64-bit value at `address` (may be unaligned or cross a page).
    public func read64(_ address: UInt64) -> UInt64 {
        readLittleEndian(address, count: 8)
    }

    /// Writes one byte at `address`.
    public mutating func write8(_ value: UInt8, at address: UInt64) {
        writeLittleEndian(UInt64(value), at: address, count: 1)
    }

    /// Writes a little-endian 16-bit value at `address`.
    public mutating func write16(_ value: UInt16, at address: UInt64) {
        writeLittleEndian(UInt64(value), at: address, count: 2)
    }

    /// Writes a little-endian 32-bit value at `address`.
    public mutating func write32(_ value: UInt32, at address: UInt64) {
        writeLittleEndian(UInt64(value), at: address, count: 4)
    }

    /// Writes a little-endian 64-bit value at `address`.
    public mutating func write64(_ value: UInt64, at address: UInt64) {
        writeLittleEndian(value, at: address, count: 8)
    }

    /// The `count` bytes starting at `address`, in address order.
    ///
    /// - Precondition: the whole range lies below ``limit``.
    public func readBytes(_ address: UInt64, count: Int) -> [UInt8] {
        Self.checkRange(address, count)
        var result = [UInt8]()
        result.reserveCapacity(count)
        var a = address
        var remaining = count
        while remaining > 0 {
            let chunk = min(remaining, 8 - Int(a & 7))
            let value = readLittleEndian(a, count: chunk)
            for i in 0..<chunk { result.append(UInt8(truncatingIfNeeded: value >> UInt64(8 * i))) }
            a += UInt64(chunk)
            remaining -= chunk
        }
        return result
    }

    /// Writes `bytes` starting at `address`, in address order.
    ///
    /// - Precondition: the whole range lies below ``limit``.
    public mutating func writeBytes(_ bytes: some Collection<UInt8>, at address: UInt64) {
        Self.checkRange(address, bytes.count)
        var a = address
        var pending: UInt64 = 0
        var pendingCount = 0
        for byte in bytes {
            pending |= UInt64(byte) << UInt64(8 * pendingCount)
            pendingCount += 1
            if (a + UInt64(pendingCount)) & 7 == 0 {
                writeLittleEndian(pending, at: a, count: pendingCount)
                a += UInt64(pendingCount)
                pending = 0
                pendingCount = 0
            }
        }
        if pendingCount > 0 { writeLittleEndian(pending, at: a, count: pendingCount) }
    }

    /// Fills the `count` bytes starting at `address` with `value`.
    public mutating func fill(_ address: UInt64, count: Int, with value: UInt8) {
        writeBytes(repeatElement(value, count: count), at: address)
    }

    /// Sets the 4-KiB page containing `address` to zero.
    public mutating func zeroPage(containing address: UInt64) {
        Self.checkRange(address, 1)
        let slot = index.slot(of: address >> 12)
        guard slot >= 0 else { return }
        let start = slot * Self.wordsPerPage
        for i in start..<(start + Self.wordsPerPage) { words[i] = 0 }
    }
}
