/// A set of addresses as sorted, disjoint, non-adjacent half-open intervals.
struct IntervalSet: Hashable {
    private(set) var intervals: [Range<UInt64>] = []

    init() {}

    /// The union of `ranges`, in O(n log n): sorted once, then merged in one pass.
    init(_ ranges: [Range<UInt64>]) {
        let sorted = ranges.filter { !$0.isEmpty }.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [Range<UInt64>] = []
        merged.reserveCapacity(sorted.count)
        for r in sorted {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                if r.upperBound > last.upperBound { merged[merged.count - 1] = last.lowerBound..<r.upperBound }
            } else {
                merged.append(r)
            }
        }
        intervals = merged
    }

    var isEmpty: Bool { intervals.isEmpty }

    /// The smallest interval that holds every address of the set.
    var hull: Range<UInt64>? {
        guard let first = intervals.first, let last = intervals.last else { return nil }
        return first.lowerBound..<last.upperBound
    }

    mutating func insert(_ r: Range<UInt64>) {
        guard !r.isEmpty else { return }
        // The intervals that overlap or touch `r` form one run; replace it by their union.
        let low = firstIndex { $0.upperBound >= r.lowerBound }
        var high = low
        var merged = r
        while high < intervals.count, intervals[high].lowerBound <= r.upperBound {
            merged = min(intervals[high].lowerBound, merged.lowerBound)..<max(intervals[high].upperBound, merged.upperBound)
            high += 1
        }
        intervals.replaceSubrange(low..<high, with: [merged])
    }

    func union(_ other: IntervalSet) -> IntervalSet {
        IntervalSet(intervals + other.intervals)
    }

    func subtracting(_ r: Range<UInt64>) -> IntervalSet {
        var result = IntervalSet()
        for i in intervals {
            if i.upperBound <= r.lowerBound || r.upperBound <= i.lowerBound {
                result.intervals.append(i)
                continue
            }
            if i.lowerBound < r.lowerBound { result.intervals.append(i.lowerBound..<r.lowerBound) }
            if r.upperBound < i.upperBound { result.intervals.append(r.upperBound..<i.upperBound) }
        }
        return result
    }

    /// The lowest address in both this set and `r` (a binary search).
    func lowest(in r: Range<UInt64>) -> UInt64? {
        let i = firstIndex { $0.upperBound > r.lowerBound }
        guard i < intervals.count, intervals[i].lowerBound < r.upperBound else { return nil }
        return max(intervals[i].lowerBound, r.lowerBound)
    }

    /// The lowest address in both sets: a bisection of the larger set for each interval of the
    /// smaller when they differ much in size, else a merge of the two sorted lists.
    func lowest(in other: IntervalSet) -> UInt64? {
        let (small, large) = intervals.count <= other.intervals.count ? (self, other) : (other, self)
        if small.intervals.count * 16 < large.intervals.count {
            // The smaller set's intervals are sorted and disjoint, so the first hit is the lowest.
            for r in small.intervals {
                if let low = large.lowest(in: r) { return low }
            }
            return nil
        }
        var i = 0, j = 0
        let a = intervals, b = other.intervals
        while i < a.count, j < b.count {
            let low = max(a[i].lowerBound, b[j].lowerBound)
            if low < min(a[i].upperBound, b[j].upperBound) { return low }
            if a[i].upperBound <= b[j].upperBound { i += 1 } else { j += 1 }
        }
        return nil
    }

    /// Whether every address of `r` is in the set.
    func covers(_ r: Range<UInt64>) -> Bool {
        guard !r.isEmpty else { return true }
        let i = firstIndex { $0.upperBound > r.lowerBound }
        return i < intervals.count && intervals[i].lowerBound <= r.lowerBound && r.upperBound <= intervals[i].upperBound
    }

    func contains(_ address: UInt64) -> Bool {
        let i = firstIndex { $0.upperBound > address }
        return i < intervals.count && intervals[i].contains(address)
    }

    /// The index of the first interval for which `above` holds (`above` must be monotone).
    private func firstIndex(_ above: (Range<UInt64>) -> Bool) -> Int {
        var low = 0, high = intervals.count
        while low < high {
            let mid = (low + high) / 2
            if above(intervals[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}
