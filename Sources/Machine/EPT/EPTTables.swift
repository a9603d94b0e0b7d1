/// One entry of an EPT (or IOMMU) hierarchy reached by a software walk: either the leaf
/// that maps a guest-physical address, or the not-present entry where the walk stopped.
public struct EPTSlot: Hashable, Sendable {
    /// 4 PML4E, 3 PDPTE, 2 PDE, 1 PTE.
    public var level: Int
    /// The host-physical address of the entry.
    public var address: UInt64
    /// The entry as read.
    public var entry: UInt64
    /// Whether the entry grants any access (R, W, X, or XU under MBEC).
    public var isPresent: Bool
    /// The first guest-physical address the entry covers.
    public var gpaBase: UInt64

    /// The bytes the entry covers: 4 KiB at level 1, 2 MiB at 2, 1 GiB at 3, 512 GiB at 4.
    public var span: UInt64 { 1 << UInt64(12 + 9 * (level - 1)) }

    /// Whether the entry maps a page (a present PTE, or a present PDPTE/PDE with PS = 1).
    public var isLeaf: Bool {
        isPresent && (level == 1 || (level <= 3 && entry & EPTEntryBits.pageSize != 0))
    }

    /// The page size of a leaf.
    public var pageSize: EPTPageSize? { isLeaf ? EPTPageSize(rawValue: level) : nil }

    /// The host-physical frame a leaf maps (address bits below the page size cleared).
    public var frame: UInt64 { entry & EPTEntryBits.addressMask & ~(span - 1) }

    /// The rights the entry itself holds.
    public var permissions: EPTPermissions { EPTPermissions(rawValue: entry) }

    /// The host-physical address of `gpa` through this leaf.
    public func translate(_ gpa: UInt64) -> UInt64 { frame | (gpa & (span - 1)) }
}

/// The EPT (or IOMMU second-level) paging structures of one address space, as the
/// hypervisor maintains them after ``EPTBuilder`` built them: it finds leaves, rewrites
/// ranges with new leaves or none, and splits large leaves when a range cuts one,
/// taking new table pages from the same region the builder used.
///
/// Software walks here look only at presence and PS, as a hypervisor's own walk of its
/// tables would; the hardware rules (rights, misconfigurations) are ``EPTWalker``'s.
public struct EPTTables: Hashable, Sendable {
    /// The address of the PML4 table.
    public let root: UInt64
    /// Where new table pages come from.
    public var allocator: PageRegionAllocator
    /// Whether PDEs and PDPTEs may map 2-MiB and 1-GiB pages.
    public var pages2M: Bool
    public var pages1G: Bool

    /// The tables a builder made.
    public init(builder: EPTBuilder, pages2M: Bool = true, pages1G: Bool = true) {
        root = builder.rootAddress
        allocator = builder.allocator
        self.pages2M = pages2M
        self.pages1G = pages1G
    }

    /// The EPTP of these tables (4 levels, write-back).
    public var eptp: EPTP { EPTP(rootAddress: root) }

    static func span(_ level: Int) -> UInt64 { 1 << UInt64(12 + 9 * (level - 1)) }

    static func entryAddress(table: UInt64, gpa: UInt64, level: Int) -> UInt64 {
        table | (((gpa >> UInt64(12 + 9 * (level - 1))) & 0x1FF) << 3)
    }

    static func isPresent(_ entry: UInt64, mbec: Bool) -> Bool {
        entry & (mbec ? 0x407 : 0x7) != 0
    }

    /// Walks the hierarchy of `levels` (4 or 5) levels at `root` for `gpa` by presence
    /// alone: the leaf that maps it, or the first not-present entry.
    ///
    /// - Precondition: `gpa` fits the walk (< 2^48 for 4 levels).
    public static func slot(root: UInt64, gpa: UInt64, mbec: Bool = false, levels: Int = 4, in memory: PhysicalMemory) -> EPTSlot {
        precondition(gpa >> UInt64(12 + 9 * levels) == 0, "GPA does not fit a \(levels)-level walk")
        var table = root & EPTEntryBits.addressMask
        var level = levels
        while true {
            let address = entryAddress(table: table, gpa: gpa, level: level)
            let entry = memory.read64(address)
            let slot = EPTSlot(level: level, address: address, entry: entry, isPresent: isPresent(entry, mbec: mbec),
                               gpaBase: gpa & ~(span(level) - 1))
            if !slot.isPresent || slot.isLeaf { return slot }
            table = entry & EPTEntryBits.addressMask
            level -= 1
        }
    }

    /// Calls `body` with every present leaf reachable from `root`, in guest-physical
    /// order, until it returns false. A table reached twice (tables may alias) is
    /// visited once, and at most `budget` entries are examined.
    public static func forEachLeaf(
        root: UInt64, mbec: Bool = false, levels: Int = 4, in memory: PhysicalMemory, budget: Int = 1 << 22,
        _ body: (EPTSlot) -> Bool
    ) {
        var visited = Set<UInt64>()
        var remaining = budget
        func visit(_ table: UInt64, _ level: Int, _ gpaBase: UInt64) -> Bool {
            guard visited.insert(table << 3 | UInt64(level)).inserted else { return true }
            let stored = memory.storedPage(table)
            var index: UInt64 = 0
            while index < 512 {
                defer { index += 1 }
                remaining -= 1
                if remaining < 0 { return false }
                let address = table + 8 * index
                let entry: UInt64
                if let stored { entry = stored[stored.startIndex + Int(index)] } else { entry = memory.read64(address) }
                guard isPresent(entry, mbec: mbec) else { continue }
                let slot = EPTSlot(level: level, address: address, entry: entry, isPresent: true,
                                   gpaBase: gpaBase + index * span(level))
                if slot.isLeaf {
                    if !body(slot) { return false }
                } else if level > 1 {
                    if !visit(entry & EPTEntryBits.addressMask, level - 1, slot.gpaBase) { return false }
                }
            }
            return true
        }
        _ = visit(root & EPTEntryBits.addressMask, levels, 0)
    }

    /// What a range is rewritten to: leaves mapping `gpa + k` to `hpa + k`.
    public struct Target: Hashable, Sendable {
        /// The host-physical address of the range's first byte.
        public var hpa: UInt64
        public var permissions: EPTPermissions
        /// The largest leaf to use; smaller ones fill what it cannot cover.
        public var largestPage: EPTPageSize
        public var memoryType: EPTMemoryType

        public init(hpa: UInt64, permissions: EPTPermissions, largestPage: EPTPageSize = .size4K,
                    memoryType: EPTMemoryType = .writeBack) {
            self.hpa = hpa
            self.permissions = permissions
            self.largestPage = largestPage
            self.memoryType = memoryType
        }
    }

    /// Rewrites guest-physical `[gpa, gpa + size)` to map `target`, or to map nothing
    /// when `target` is nil. Large leaves the range cuts are split first; tables the
    /// range needs are allocated. Both ends must be 4-KiB aligned and below 2^48.
    ///
    /// - Throws: ``EPTBuildError/tableRegionExhausted(base:size:needed:available:)`` when
    ///   a table page is needed and none is left (the part already written stays).
    public mutating func set(
        _ gpa: UInt64, size: UInt64, to target: Target?, in memory: inout PhysicalMemory
    ) throws(EPTBuildError) {
        precondition(gpa & 0xFFF == 0 && size & 0xFFF == 0, "EPT ranges are 4-KiB aligned")
        guard size > 0 else { return }
        precondition(gpa >> 48 == 0 && size <= (1 << 48) - gpa, "EPT ranges lie below 2^48")
        let delta = target.map { $0.hpa &- gpa } ?? 0
        try set(table: root & EPTEntryBits.addressMask, level: 4, low: gpa, high: gpa + size,
                target: target, delta: delta, memory: &memory)
    }

    private func canMap(level: Int, at gpa: UInt64, target: Target?, delta: UInt64) -> Bool {
        guard let target else { return true }  // clearing a whole entry is fine at any level
        switch level {
        case 1: return true
        case 2: guard pages2M, target.largestPage >= .size2M else { return false }
        case 3: guard pages1G, target.largestPage >= .size1G else { return false }
        default: return false
        }
        return (gpa &+ delta) & (Self.span(level) - 1) == 0
    }

    private mutating func set(
        table: UInt64, level: Int, low: UInt64, high: UInt64, target: Target?, delta: UInt64,
        memory: inout PhysicalMemory
    ) throws(EPTBuildError) {
        let span = Self.span(level)
        var a = low
        while a < high {
            let entryBase = a & ~(span - 1)
            let next = min(high, entryBase + span)
            let address = Self.entryAddress(table: table, gpa: a, level: level)
            let entry = memory.read64(address)
            if a == entryBase && next == entryBase + span && canMap(level: level, at: a, target: target, delta: delta) {
                let value = target.map { t in
                    EPTEntryBits.leaf(a &+ delta, permissions: t.permissions, memoryType: t.memoryType,
                                      size: EPTPageSize(rawValue: level)!)
                } ?? 0
                memory.write64(value, at: address)
            } else {
                let present = Self.isPresent(entry, mbec: true)
                let child: UInt64
                if present && (level == 4 || entry & EPTEntryBits.pageSize == 0) {
                    child = entry & EPTEntryBits.addressMask
                } else if present {
                    child = try split(entry, level: level, at: address, memory: &memory)
                } else if target == nil {
                    a = next
                    continue
                } else {
                    child = try newTable(at: address, memory: &memory)
                }
                try set(table: child, level: level - 1, low: a, high: next, target: target, delta: delta, memory: &memory)
            }
            a = next
        }
    }

    private mutating func allocate() throws(EPTBuildError) -> UInt64 {
        guard let page = allocator.allocate() else {
            throw .tableRegionExhausted(base: allocator.base, size: allocator.size, needed: 1, available: 0)
        }
        return page
    }

    private mutating func newTable(at address: UInt64, memory: inout PhysicalMemory) throws(EPTBuildError) -> UInt64 {
        let page = try allocate()
        memory.zeroPage(containing: page)
        memory.write64(EPTEntryBits.table(page), at: address)
        return page
    }

    /// Replaces the large leaf at `address` (of `level`) by a table of 512 leaves one
    /// level down with the same rights, memory type and frames; returns the table.
    private mutating func split(_ entry: UInt64, level: Int, at address: UInt64, memory: inout PhysicalMemory)
        throws(EPTBuildError) -> UInt64
    {
        let page = try allocate()
        let childSpan = Self.span(level - 1)
        let frame = entry & EPTEntryBits.addressMask & ~(Self.span(level) - 1)
        let keep = entry & ~(EPTEntryBits.addressMask | EPTEntryBits.pageSize)
        for i in 0..<UInt64(512) {
            let child = keep | (frame + i * childSpan) | (level - 1 > 1 ? EPTEntryBits.pageSize : 0)
            memory.write64(child, at: page + 8 * i)
        }
        memory.write64(EPTEntryBits.table(page), at: address)
        return page
    }
}
