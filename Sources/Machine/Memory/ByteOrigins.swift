import Platform

/// Where a byte of memory (or of an observation) came from: its provenance.
///
/// A byte that no step changed holds its region's initial contents (``region(_:)``); a byte
/// a step of the trace wrote, or a handler's `write` effect wrote for it, is the
/// ``attacker``'s; a byte that holds neither (zeros of a scrubbed page, a constant, an
/// MSR value, the all-ones of a blocked read) is ``none``. Copies carry the provenance of
/// their source.
public struct ByteOrigin: Hashable, Sendable, CustomStringConvertible {
    /// 0: not set (the store falls back to spans, then to the region at the address);
    /// 1: none; 2: the attacker; 3 + i: region i of the platform.
    let raw: UInt16

    static let unset = ByteOrigin(raw: 0)
    /// Nobody's data.
    public static let none = ByteOrigin(raw: 1)
    /// Written by a step of the trace (every step is the attacker's doing).
    public static let attacker = ByteOrigin(raw: 2)

    /// The initial contents of region `index` of the platform (`Platform.regions[index]`).
    public static func region(_ index: Int) -> ByteOrigin {
        precondition(index >= 0 && index < Int(UInt16.max) - 3, "region index \(index) out of range")
        return ByteOrigin(raw: UInt16(index + 3))
    }

    /// The region whose initial contents this byte holds, if any.
    public var regionIndex: Int? { raw >= 3 ? Int(raw) - 3 : nil }

    public var description: String {
        switch raw {
        case 0: "unset"
        case 1: "none"
        case 2: "attacker"
        default: "region #\(raw - 3)"
        }
    }
}

/// The provenance of every byte of host-physical memory, stored sparsely.
///
/// A byte's origin is, in order of precedence: the value stored for it in a page of
/// labels (pages exist only where single bytes were labelled), the origin of the span
/// covering it (large ranges, e.g. a scrubbed region), or the region that contains it
/// (its initial contents; ``ByteOrigin/none`` outside every region).
public struct ByteOrigins: Hashable, Sendable {
    private struct Span: Hashable, Sendable {
        var start: UInt64
        var end: UInt64
        var origin: ByteOrigin
    }

    /// The regions, sorted by base: `bases[i] ..< ends[i]` is region `indices[i]`.
    private let bases: [UInt64]
    private let ends: [UInt64]
    private let indices: [Int]
    /// Disjoint, sorted by start.
    private var spans: [Span] = []
    /// Page frame → 4096 raw labels (0: fall back to the span or the region).
    private var pages: [UInt64: [UInt16]] = [:]
    /// The XOR over labelled bytes of a mix of address and label (a Zobrist hash, kept up to
    /// date by every change): with the spans it identifies the labels.
    public private(set) var contentHash: UInt64 = 0

    /// Ranges of at least this many bytes are labelled as a span rather than byte by byte.
    static let spanThreshold: UInt64 = 1 << 16

    /// Every byte starts as the initial contents of the region that holds it.
    ///
    /// - Parameter regions: the platform's regions; the origin of a byte in `regions[i]` is `.region(i)`.
    public init(regions: [Region]) {
        let order = regions.indices.sorted { regions[$0].base < regions[$1].base }
        bases = order.map { regions[$0].base }
        ends = order.map { regions[$0].end }
        indices = order
    }

    /// Identifies the labels together with ``contentHash`` (the spans' part).
    public var spansHash: Int { spans.hashValue }

    // MARK: - Lookup

    /// The origin of the byte at `address`.
    public func origin(at address: UInt64) -> ByteOrigin {
        if let page = pages[address >> 12] {
            let raw = page[Int(address & 0xFFF)]
            if raw != 0 { return ByteOrigin(raw: raw) }
        }
        if !spans.isEmpty, let s = Self.lastIndex(spans.count, { spans[$0].start }, atOrBelow: address), address < spans[s].end {
            return spans[s].origin
        }
        if let r = Self.lastIndex(bases.count, { bases[$0] }, atOrBelow: address), address < ends[r] { return .region(indices[r]) }
        return .none
    }

    /// The origins of `count` bytes from `address` (wrapping at 2^64 as handler effects do).
    public func origins(_ address: UInt64, count: Int) -> [ByteOrigin] {
        guard count > 0, UInt64(count) <= UInt64.max - address else {
            return (0..<count).map { origin(at: address &+ UInt64($0)) }
        }
        var result: [ByteOrigin] = []
        result.reserveCapacity(count)
        var a = address
        let end = address + UInt64(count)
        while a < end {
            let pageEnd = (a | 0xFFF) == UInt64.max ? end : min(end, (a | 0xFFF) + 1)
            if let page = pages[a >> 12] {
                var b = a
                while b < pageEnd {
                    let raw = page[Int(b & 0xFFF)]
                    result.append(raw != 0 ? ByteOrigin(raw: raw) : background(at: b).origin)
                    b += 1
                }
            } else {
                var b = a
                while b < pageEnd {
                    let (o, runEnd) = background(at: b)
                    let stop = min(runEnd, pageEnd)
                    while b < stop {
                        result.append(o)
                        b += 1
                    }
                }
            }
            a = pageEnd
        }
        return result
    }

    /// The origin from spans and regions alone at `address`, and where that stays the same.
    private func background(at address: UInt64) -> (origin: ByteOrigin, end: UInt64) {
        let s = Self.lastIndex(spans.count, { spans[$0].start }, atOrBelow: address)
        if let s, address < spans[s].end { return (spans[s].origin, spans[s].end) }
        let nextSpan = spans.first { $0.start > address }?.start ?? UInt64.max
        if let r = Self.lastIndex(bases.count, { bases[$0] }, atOrBelow: address), address < ends[r] {
            return (.region(indices[r]), min(ends[r], nextSpan))
        }
        let nextRegion = bases.first { $0 > address } ?? UInt64.max
        return (.none, min(nextRegion, nextSpan))
    }

    /// The index of the last of `count` ascending starts that is ≤ `address`.
    private static func lastIndex(_ count: Int, _ start: (Int) -> UInt64, atOrBelow address: UInt64) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if start(mid) <= address { low = mid + 1 } else { high = mid }
        }
        return low > 0 ? low - 1 : nil
    }

    /// The first address in `range` whose origin satisfies `wanted`, with that origin.
    public func first(in range: Range<UInt64>, where wanted: (ByteOrigin) -> Bool) -> (address: UInt64, origin: ByteOrigin)? {
        guard !range.isEmpty else { return nil }
        let firstFrame = range.lowerBound >> 12
        let lastFrame = (range.upperBound - 1) >> 12
        let labelled = pages.keys.filter { $0 >= firstFrame && $0 <= lastFrame }.sorted()
        var next = 0
        var a = range.lowerBound
        while a < range.upperBound {
            let frame = a >> 12
            while next < labelled.count && labelled[next] < frame { next += 1 }
            let pageEnd = (frame + 1) << 12
            if next < labelled.count && labelled[next] == frame {
                let end = min(pageEnd, range.upperBound)
                while a < end {
                    let o = origin(at: a)
                    if wanted(o) { return (a, o) }
                    a += 1
                }
                continue
            }
            let (o, runEnd) = background(at: a)
            if wanted(o) { return (a, o) }
            let nextLabelled = next < labelled.count ? labelled[next] << 12 : UInt64.max
            a = min(runEnd, nextLabelled, range.upperBound)
        }
        return nil
    }

    // MARK: - Labelling

    /// Labels one byte.
    public mutating func set(_ address: UInt64, to origin: ByteOrigin) {
        precondition(origin != .unset, "a byte's origin is set to a value")
        let frame = address >> 12
        if pages[frame] == nil { pages[frame] = [UInt16](repeating: 0, count: 4096) }
        relabel(frame, Int(address & 0xFFF), origin.raw)
    }

    /// Sets one label of a page, keeping ``contentHash`` up to date.
    private mutating func relabel(_ frame: UInt64, _ k: Int, _ raw: UInt16) {
        let old = pages[frame]![k]
        guard old != raw else { return }
        let address = frame << 12 | UInt64(k)
        contentHash ^= PhysicalMemory.mix(address, UInt64(old)) ^ PhysicalMemory.mix(address, UInt64(raw))
        pages[frame]![k] = raw
    }

    /// Labels consecutive bytes, one origin each.
    public mutating func set(_ address: UInt64, to origins: [ByteOrigin]) {
        guard UInt64(origins.count) <= UInt64.max - address else {
            for (i, o) in origins.enumerated() { set(address &+ UInt64(i), to: o) }
            return
        }
        var i = 0
        while i < origins.count {
            let a = address + UInt64(i)
            let frame = a >> 12
            let n = min(origins.count - i, 4096 - Int(a & 0xFFF))
            // Take the page out so that it is changed in place.
            var page = pages.removeValue(forKey: frame) ?? [UInt16](repeating: 0, count: 4096)
            for k in 0..<n {
                let raw = origins[i + k].raw
                precondition(raw != 0, "a byte's origin is set to a value")
                let slot = Int(a & 0xFFF) + k
                let old = page[slot]
                if old != raw {
                    let at = a + UInt64(k)
                    contentHash ^= PhysicalMemory.mix(at, UInt64(old)) ^ PhysicalMemory.mix(at, UInt64(raw))
                    page[slot] = raw
                }
            }
            pages[frame] = page
            i += n
        }
    }

    /// Labels `count` bytes from `address` with one origin (no wrap: the range lies below 2^64).
    public mutating func set(_ address: UInt64, count: UInt64, to origin: ByteOrigin) {
        guard count > 0 else { return }
        precondition(origin != .unset, "a byte's origin is set to a value")
        precondition(count <= UInt64.max - address, "labelled range wraps")
        let end = address + count
        guard count >= Self.spanThreshold else {
            set(address, to: [ByteOrigin](repeating: origin, count: Int(count)))
            return
        }
        // A span, and every labelled byte inside it takes the new origin.
        var kept: [Span] = []
        for s in spans {
            if s.end <= address || s.start >= end { kept.append(s); continue }
            if s.start < address { kept.append(Span(start: s.start, end: address, origin: s.origin)) }
            if s.end > end { kept.append(Span(start: end, end: s.end, origin: s.origin)) }
        }
        kept.append(Span(start: address, end: end, origin: origin))
        spans = kept.sorted { $0.start < $1.start }
        for frame in pages.keys where frame >= address >> 12 && frame <= (end - 1) >> 12 {
            let base = frame << 12
            for k in 0..<4096 where (address..<end).contains(base + UInt64(k)) { relabel(frame, k, origin.raw) }
        }
    }
}
