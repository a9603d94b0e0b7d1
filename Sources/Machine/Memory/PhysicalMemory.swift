/// Sparse, byte-addressable host-physical memory of 2^52 bytes.
///
/// Storage is page-granular: a 4-KiB page exists only once a value other than its
/// ``background`` has been written into it, and memory that was never written reads as
/// the background (zero unless a range was filled with ``fillPeriodic(_:count:pattern:)``). All multi-byte
/// accesses are little-endian and may be unaligned or cross a page boundary.
///
/// Addresses are architectural host-physical addresses, so every access must lie
/// below ``limit`` (2^52, the largest MAXPHYADDR that Intel 64 defines). An access
/// that reaches or passes the limit is a programmer error and stops the program
/// with a precondition failure: the machine checks guest-supplied addresses against
/// MAXPHYADDR before it touches memory (use ``isValid(address:count:)``).
/// At most 2^24 pages (64 GiB) can hold storage at once.
public struct PhysicalMemory: Sendable {
    /// Number of host-physical address bits that the memory can hold.
    public static let addressWidth = 52
    /// The first address that is not backed: 2^52.
    public static let limit: UInt64 = 1 << 52
    /// The size of a storage page: 4 KiB.
    public static let pageSize: UInt64 = 4096

    static let wordsPerPage = 512
    static let zeroPage = [UInt64](repeating: 0, count: wordsPerPage)

    /// Page frame number → slot in `words`.
    var index = PageIndex()
    /// Page pool: slot `s` holds words `s * 512 ..< s * 512 + 512`, word `i` holding
    /// bytes `8i ..< 8i + 8` of the page with the lowest address in bits 7:0.
    var words: [UInt64] = []
    /// What pages without storage read as.
    public internal(set) var background = MemoryBackground()
    /// The XOR over stored words that differ from the background of a mix of their address
    /// and value (a Zobrist hash kept up to date by every store): with ``background`` it
    /// identifies the contents, however the pages came to be stored.
    public internal(set) var contentHash: UInt64 = 0

    /// Creates an empty memory in which every byte reads as zero.
    public init() {}

    /// Whether the `count` bytes starting at `address` all lie below ``limit``.
    public static func isValid(address: UInt64, count: Int = 1) -> Bool {
        count >= 0 && address < limit && UInt64(count) <= limit - address
    }

    /// The number of 4-KiB pages that hold storage (pages ever written with a nonzero value).
    public var allocatedPageCount: Int { index.count }

    /// The base addresses of the pages that hold storage, in ascending order.
    public var allocatedPages: [UInt64] {
        index.frames.sorted().map { $0 << 12 }
    }

    // MARK: Word access (the fast path used by the EPT walker)

    /// The 8-byte word at the 8-byte-aligned address `address`.
    @inline(__always)
    func loadWord(_ address: UInt64) -> UInt64 {
        let slot = index.slot(of: address >> 12)
        if slot < 0 { return background.isEmpty ? 0 : background.word(at: address) }
        return words[slot &* 512 &+ Int(truncatingIfNeeded: (address & 0xFFF) >> 3)]
    }

    /// The 512 stored words of the page at `address`, or nil when the page holds no storage
    /// (it then reads as the ``background``).
    func storedPage(_ address: UInt64) -> ArraySlice<UInt64>? {
        let slot = index.slot(of: address >> 12)
        guard slot >= 0 else { return nil }
        return words[slot * Self.wordsPerPage..<(slot + 1) * Self.wordsPerPage]
    }

    /// Stores the 8-byte word at the 8-byte-aligned address `address`.
    mutating func storeWord(_ address: UInt64, _ value: UInt64) {
        var slot = index.slot(of: address >> 12)
        if slot < 0 {
            if value == background.word(at: address) { return }  // untouched pages already read so
            slot = materialize(frame: address >> 12)
        }
        let i = slot &* 512 &+ Int(truncatingIfNeeded: (address & 0xFFF) >> 3)
        replace(i, at: address, with: value)
    }

    /// Replaces stored word `i` (at `address`), keeping ``contentHash`` up to date.
    @inline(__always)
    mutating func replace(_ i: Int, at address: UInt64, with value: UInt64) {
        let old = words[i]
        guard old != value else { return }
        contentHash ^= Self.mix(address, old) ^ Self.mix(address, value)
        words[i] = value
    }

    /// A word's contribution to ``contentHash`` (SplitMix64's finaliser of address and value).
    @inline(__always)
    static func mix(_ address: UInt64, _ value: UInt64) -> UInt64 {
        var z = (address &* 0x9E37_79B9_7F4A_7C15) ^ value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Gives the page `frame` storage, initialised from the background; returns its slot.
    mutating func materialize(frame: UInt64) -> Int {
        let slot = words.count / Self.wordsPerPage
        let base = frame << 12
        if let pattern = background.uniformPattern(base, base + Self.pageSize) {
            words.append(contentsOf: [UInt64](repeating: pattern, count: Self.wordsPerPage))
        } else if background.overlaps(base, base + Self.pageSize) {
            var w: UInt64 = 0
            while w < UInt64(Self.wordsPerPage) {
                words.append(background.word(at: base + 8 * w))
                w += 1
            }
        } else {
            words.append(contentsOf: Self.zeroPage)
        }
        index.insert(frame: frame, slot: slot)
        return slot
    }

    @inline(__always)
    static func checkRange(_ address: UInt64, _ count: Int) {
        precondition(
            isValid(address: address, count: count),
            "physical access of \(count) bytes at 0x\(String(address, radix: 16)) reaches 2^52")
    }

    // MARK: Little-endian access of 1 to 8 bytes

    /// Reads `count` (1...8) bytes at `address` as a little-endian integer.
    ///
    /// - Precondition: `1...8 ~= count` and the bytes lie below ``limit``.
    public func readLittleEndian(_ address: UInt64, count: Int) -> UInt64 {
        precondition((1...8).contains(count), "access size \(count) is not 1...8")
        Self.checkRange(address, count)
        let offset = Int(address & 7)
        if offset + count <= 8 {
            let word = loadWord(address & ~7)
            let shifted = word >> UInt64(offset * 8)
            return count == 8 ? shifted : shifted & ((1 << UInt64(count * 8)) - 1)
        }
        var value: UInt64 = 0
        for i in 0..<count {
            value |= UInt64(byte(at: address + UInt64(i))) << UInt64(i * 8)
        }
        return value
    }

    /// Writes the low `count` (1...8) bytes of `value` at `address`, little-endian.
    ///
    /// - Precondition: `1...8 ~= count` and the bytes lie below ``limit``.
    public mutating func writeLittleEndian(_ value: UInt64, at address: UInt64, count: Int) {
        precondition((1...8).contains(count), "access size \(count) is not 1...8")
        Self.checkRange(address, count)
        let offset = Int(address & 7)
        if offset + count <= 8 {
            let aligned = address & ~7
            let fieldMask: UInt64 = count == 8 ? ~0 : (1 << UInt64(count * 8)) - 1
            let shift = UInt64(offset * 8)
            let old = loadWord(aligned)
            storeWord(aligned, (old & ~(fieldMask << shift)) | ((value & fieldMask) << shift))
            return
        }
        for i in 0..<count {
            writeLittleEndian((value >> UInt64(i * 8)) & 0xFF, at: address + UInt64(i), count: 1)
        }
    }

    private func byte(at address: UInt64) -> UInt8 {
        UInt8(truncatingIfNeeded: loadWord(address & ~7) >> ((address & 7) * 8))
    }
}
