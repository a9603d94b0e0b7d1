/// A set of addresses as sorted, disjoint, non-adjacent half-open intervals.
struct IntervalSet: Hashable {
    private(set) var intervals: [Range<UInt64>] = []

    init() {}

    init(_ ranges: [Range<UInt64>]) {
        for r in ranges { insert(r) }
    }

    var isEmpty: Bool { intervals.isEmpty }

    mutating func insert(_ r: Range<UInt64>) {
        guard !r.isEmpty else { return }
        var merged = r
        var kept: [Range<UInt64>] = []
        for existing in intervals {
            if existing.upperBound < merged.lowerBound || merged.upperBound < existing.lowerBound {
                kept.append(existing)
            } else {
                merged = min(existing.lowerBound, merged.lowerBound)..<max(existing.upperBound, merged.upperBound)
            }
        }
        kept.append(merged)
        intervals = kept.sorted { $0.lowerBound < $1.lowerBound }
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

    /// The lowest address in both this set and `r`.
    func lowest(in r: Range<UInt64>) -> UInt64? {
        for i in intervals where i.upperBound > r.lowerBound && i.lowerBound < r.upperBound {
            return max(i.lowerBound, r.lowerBound)
        }
        return nil
    }

    func contains(_ address: UInt64) -> Bool {
        intervals.contains { $0.contains(address) }
    }
}
