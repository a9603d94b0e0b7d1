/// What host-physical memory that holds no storage reads as: disjoint spans, each
/// filled with an 8-byte-periodic pattern anchored at absolute addresses (the byte at
/// `a` is byte `a & 7` of the pattern, little-endian), and zero everywhere else.
///
/// This lets a platform of many gigabytes start with every region filled with its own
/// pattern without storing a single page: a page is materialised (copied from the
/// background) only when it is first written.
public struct MemoryBackground: Hashable, Sendable {
    /// Span starts, ascending; span `i` is `[starts[i], ends[i])`.
    private(set) var starts: [UInt64] = []
    private(set) var ends: [UInt64] = []
    /// The pattern of each span (never 0: zero spans are not stored).
    private(set) var patterns: [UInt64] = []

    /// An all-zero background.
    public init() {}

    /// Whether every byte reads as zero.
    public var isEmpty: Bool { starts.isEmpty }

    /// The index of the span containing `address`, or nil.
    @inline(__always)
    func span(containing address: UInt64) -> Int? {
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, address < ends[low - 1] else { return nil }
        return low - 1
    }

    /// The byte at `address`.
    public func byte(at address: UInt64) -> UInt8 {
        guard let i = span(containing: address) else { return 0 }
        return UInt8(truncatingIfNeeded: patterns[i] >> ((address & 7) * 8))
    }

    /// The 8-byte word at the 8-byte-aligned `address`.
    @inline(__always)
    public func word(at address: UInt64) -> UInt64 {
        if starts.isEmpty { return 0 }
        if let i = span(containing: address), address &+ 7 < ends[i] { return patterns[i] }
        var value: UInt64 = 0
        for k in 0..<UInt64(8) { value |= UInt64(byte(at: address &+ k)) << (8 * k) }
        return value
    }

    /// The pattern of the span that covers all of `[base, end)`, if one does.
    public func uniformPattern(_ base: UInt64, _ end: UInt64) -> UInt64? {
        guard let i = span(containing: base), end <= ends[i] else { return nil }
        return patterns[i]
    }

    /// Whether some span overlaps `[base, end)`.
    public func overlaps(_ base: UInt64, _ end: UInt64) -> Bool {
        guard !starts.isEmpty, base < end else { return false }
        if span(containing: base) != nil { return true }
        // The first span starting after `base`.
        var low = 0
        var high = starts.count
        while low < high {
            let mid = (low + high) / 2
            if starts[mid] <= base { low = mid + 1 } else { high = mid }
        }
        return low < starts.count && starts[low] < end
    }

    /// Makes `[base, end)` read as `pattern` (0 clears it), replacing what was there.
    public mutating func fill(_ base: UInt64, _ end: UInt64, pattern: UInt64) {
        guard base < end else { return }
        var newStarts: [UInt64] = []
        var newEnds: [UInt64] = []
        var newPatterns: [UInt64] = []
        var inserted = false
        func add(_ s: UInt64, _ e: UInt64, _ p: UInt64) {
            guard s < e, p != 0 else { return }
            newStarts.append(s)
            newEnds.append(e)
            newPatterns.append(p)
        }
        for i in starts.indices {
            let (s, e, p) = (starts[i], ends[i], patterns[i])
            if e <= base || s >= end {
                if s >= end && !inserted {
                    add(base, end, pattern)
                    inserted = true
                }
                add(s, e, p)
                continue
            }
            add(s, min(e, base), p)  // the part before the new span
            if !inserted {
                add(base, end, pattern)
                inserted = true
            }
            add(max(s, end), e, p)  // the part after it
        }
        if !inserted { add(base, end, pattern) }
        starts = newStarts
        ends = newEnds
        patterns = newPatterns
    }
}
