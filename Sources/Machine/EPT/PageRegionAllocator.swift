/// Hands out consecutive 4-KiB pages from a host-physical region `[base, base + size)`.
///
/// The EPT builder takes its paging-structure pages from one of these, so that the
/// tables live in a region the platform model names (typically of kind page-tables).
public struct PageRegionAllocator: Hashable, Sendable {
    /// The first address of the region.
    public let base: UInt64
    /// The size of the region in bytes.
    public let size: UInt64
    /// The next page to hand out.
    public private(set) var next: UInt64

    /// Why a region cannot serve as a page allocator.
    public enum Problem: Error, Hashable, Sendable, CustomStringConvertible {
        /// The base or the size is not a multiple of 4 KiB.
        case misaligned(base: UInt64, size: UInt64)
        /// The region passes 2^52.
        case beyondPhysicalMemory(base: UInt64, size: UInt64)

        public var description: String {
            switch self {
            case .misaligned(let b, let s):
                "page region [0x\(String(b, radix: 16)), +0x\(String(s, radix: 16))) is not 4-KiB aligned"
            case .beyondPhysicalMemory(let b, let s):
                "page region [0x\(String(b, radix: 16)), +0x\(String(s, radix: 16))) passes 2^52"
            }
        }
    }

    /// Creates an allocator over `[base, base + size)`.
    ///
    /// - Throws: ``Problem`` when the region is unaligned or passes 2^52.
    public init(base: UInt64, size: UInt64) throws(Problem) {
        guard base & 0xFFF == 0, size & 0xFFF == 0 else { throw .misaligned(base: base, size: size) }
        guard PhysicalMemory.isValid(address: base), size <= PhysicalMemory.limit - base else {
            throw .beyondPhysicalMemory(base: base, size: size)
        }
        self.base = base
        self.size = size
        next = base
    }

    /// The number of pages still available.
    public var remainingPages: Int { Int((base + size - next) / PhysicalMemory.pageSize) }

    /// The number of pages handed out so far.
    public var usedPages: Int { Int((next - base) / PhysicalMemory.pageSize) }

    /// Takes the next page, or returns nil when the region is used up.
    public mutating func allocate() -> UInt64? {
        guard next < base + size else { return nil }
        defer { next += PhysicalMemory.pageSize }
        return next
    }
}
