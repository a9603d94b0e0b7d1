/// An open-addressing hash table from 4-KiB page frame numbers to slots in the
/// page pool of ``PhysicalMemory``.
///
/// Linear probing with a multiplicative (Fibonacci) hash: one multiply, one shift and
/// usually one probe per lookup, which keeps EPT walks free of `Hasher` overhead.
/// Keys are stored as `frame + 1` so that 0 marks an empty bucket; entries are never
/// removed.
struct PageIndex: Sendable {
    /// `frame + 1` per bucket, 0 when the bucket is empty.
    private var keys: [UInt64]
    /// Pool slot per bucket (valid where the key is nonzero).
    private var slots: [Int32]
    /// Number of occupied buckets.
    private(set) var count = 0
    /// `64 - log2(bucket count)`.
    private var shift: UInt64
    private var mask: Int

    init() {
        let capacity = 64
        keys = Array(repeating: 0, count: capacity)
        slots = Array(repeating: 0, count: capacity)
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
        let key = frame &+ 1
        var i = bucket(key)
        while true {
            let k = keys[i]
            if k == key { return Int(slots[i]) }
            if k == 0 { return -1 }
            i = (i &+ 1) & mask
        }
    }

    /// Records that `frame` lives in pool slot `slot`. `frame` must be absent.
    mutating func insert(frame: UInt64, slot: Int) {
        if (count + 1) * 2 > keys.count { grow() }
        place(key: frame &+ 1, slot: Int32(slot))
        count += 1
    }

    private mutating func place(key: UInt64, slot: Int32) {
        var i = bucket(key)
        while keys[i] != 0 { i = (i &+ 1) & mask }
        keys[i] = key
        slots[i] = slot
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldSlots = slots
        let capacity = oldKeys.count * 2
        keys = Array(repeating: 0, count: capacity)
        slots = Array(repeating: 0, count: capacity)
        shift -= 1
        mask = capacity - 1
        for (k, s) in zip(oldKeys, oldSlots) where k != 0 {
            place(key: k, slot: s)
        }
    }

    /// Every frame present, in no particular order.
    var frames: [UInt64] {
        keys.compactMap { $0 == 0 ? nil : $0 - 1 }
    }
}
