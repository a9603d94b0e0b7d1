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

    /// Writes the bytes of an array starting at `address`, in address order (the same as the
    /// generic version, a quadword at a time).
    ///
    /// - Precondition: the whole range lies below ``limit``.
    public mutating func writeBytes(_ bytes: [UInt8], at address: UInt64) {
        Self.checkRange(address, bytes.count)
        var i = 0
        var a = address
        while i < bytes.count {
            let chunk = min(bytes.count - i, 8 - Int(a & 7))
            var value: UInt64 = 0
            var k = 0
            while k < chunk {
                value |= UInt64(bytes[i + k]) << UInt64(8 * k)
                k += 1
            }
            writeLittleEndian(value, at: a, count: chunk)
            i += chunk
            a += UInt64(chunk)
        }
    }

    /// Fills the `count` bytes starting at `address` with `value`.
    public mutating func fill(_ address: UInt64, count: Int, with value: UInt8) {
        writeBytes([UInt8](repeating: value, count: count), at: address)
    }

    /// Sets the 4-KiB page containing `address` to zero.
    public mutating func zeroPage(containing address: UInt64) {
        Self.checkRange(address, 1)
        var slot = index.slot(of: address >> 12)
        if slot < 0 {
            let base = address & ~0xFFF
            guard background.overlaps(base, base + Self.pageSize) else { return }
            slot = materialize(frame: address >> 12)
        }
        let start = slot * Self.wordsPerPage
        let base = address & ~0xFFF
        for k in 0..<Self.wordsPerPage { replace(start + k, at: base + 8 * UInt64(k), with: 0) }
    }
}

extension PhysicalMemory {
    /// Fills the `count` bytes starting at `address` with an 8-byte-periodic pattern
    /// anchored at absolute addresses: the byte at `a` becomes byte `a & 7` of `pattern`
    /// (little-endian). Pages without storage stay without storage (the range joins the
    /// ``background``), so a range of any size costs only the pages already stored in it.
    ///
    /// - Precondition: the range lies below ``limit``.
    public mutating func fillPeriodic(_ address: UInt64, count: UInt64, pattern: UInt64) {
        guard count > 0 else { return }
        precondition(address < Self.limit && count <= Self.limit - address, "fill reaches 2^52")
        let end = address + count
        let firstFrame = address >> 12
        let lastFrame = (end - 1) >> 12
        let stored: [UInt64]
        if lastFrame - firstFrame < UInt64(index.count) {
            stored = (firstFrame...lastFrame).filter { index.slot(of: $0) >= 0 }
        } else {
            stored = index.frames.filter { $0 >= firstFrame && $0 <= lastFrame }
        }
        // A stored word's contribution to the hash is relative to the background under it,
        // which changes too: take the old contributions out, refill, put the new ones in.
        func toggle(_ memory: inout PhysicalMemory) {
            for frame in stored {
                let slot = memory.index.slot(of: frame)
                for w in 0..<UInt64(Self.wordsPerPage) {
                    let a = (frame << 12) + 8 * w
                    guard a + 8 > address, a < end else { continue }
                    let value = memory.words[slot * Self.wordsPerPage + Int(w)]
                    memory.contentHash ^= Self.mix(a, value) ^ Self.mix(a, memory.background.word(at: a))
                }
            }
        }
        toggle(&self)
        background.fill(address, end, pattern: pattern)
        for frame in stored {
            let slot = index.slot(of: frame)
            let pageBase = frame << 12
            for w in 0..<UInt64(Self.wordsPerPage) {
                let wordAddress = pageBase + 8 * w
                guard wordAddress + 8 > address, wordAddress < end else { continue }
                var mask: UInt64 = 0
                for k in 0..<UInt64(8) where (address..<end).contains(wordAddress + k) { mask |= 0xFF << (8 * k) }
                let i = slot * Self.wordsPerPage + Int(w)
                words[i] = (words[i] & ~mask) | (pattern & mask)
            }
        }
        toggle(&self)
    }

    /// The base addresses of the stored pages in `[address, address + count)`, ascending.
    public func allocatedPages(from address: UInt64, count: UInt64) -> [UInt64] {
        guard count > 0 else { return [] }
        let firstFrame = address >> 12
        let lastFrame = (address &+ (count - 1)) >> 12
        if lastFrame >= firstFrame, lastFrame - firstFrame < UInt64(index.count) {
            return (firstFrame...lastFrame).filter { index.slot(of: $0) >= 0 }.map { $0 << 12 }
        }
        return index.frames.filter { $0 >= firstFrame && $0 <= lastFrame }.sorted().map { $0 << 12 }
    }
}
