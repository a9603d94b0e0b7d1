/// An open-addressing hash table from 4-KiB page frame numbers to slots in the
/// page pool of ``PhysicalMemory``.
///
/// Linear probing with a multiplicative (Fibonacci) hash: one multiply, one shift and
/// usually one probe of one word per lookup, which keeps EPT walks free of `Hasher`
/// overhead. A bucket packs `frame << 24 | (slot + 1)` (frames are below 2^40 and
/// slots below 2^24 − 1, about 64 GiB of written pages); 0 marks an empty bucket.
/// Entries are never removed.
struct PageIndex: Sendable {
    /// Packed `frame << 24 | (slot + 1)` per bucket, 0 when empty.
    private var buckets: [UInt64]
    /// Number of occupied buckets.
    private(set) var count = 0
    /// `64 - log2(bucket count)`.
    private var shift: UInt64
    private var mask: Int

    init() {
        let capacity = 64
        buckets = Array(repeating: 0, count: capacity)
        shift = 64 - 6
        mask = capacity - 1
    }

    @inline(__always)
    private func bucket(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }

    /// The pool slot of `frame`, or -1 when the page was never written.
    @inline(__always)
    func slot(of frame: UInt64) -> Int {
        var i = bucket(frame)
        while true {
            let b = buckets[i]
            if b == 0 { return -1 }
            if b >> 24 == frame { return Int(truncatingIfNeeded: b & 0xFF_FFFF) &- 1 }
            i = (i &+ 1) & mask
        }
    }

    /// Records that `frame` lives in pool slot `slot`. `frame` must be absent.
    mutating func insert(frame: UInt64, slot: Int) {
        precondition(frame < 1 << 40 && slot < (1 << 24) - 1, "page index capacity exceeded")
        if (count + 1) * 2 > buckets.count { grow() }
        place(frame << 24 | UInt64(slot + 1))
        count += 1
    }

    private mutating func place(_ packed: UInt64) {
        var i = bucket(packed >> 24)
        while buckets[i] != 0 { i = (i &+ 1) & mask }
        buckets[i] = packed
    }

    private mutating func grow() {
        let old = buckets
        let capacity = old.count * 2
        buckets = Array(repeating: 0, count: capacity)
        shift -= 1
        mask = capacity - 1
        for packed in old where packed != 0 { place(packed) }
    }

    /// Every frame present, in no particular order.
    var frames: [UInt64] {
        buckets.compactMap { $0 == 0 ? nil : $0 >> 24 }
    }
}
