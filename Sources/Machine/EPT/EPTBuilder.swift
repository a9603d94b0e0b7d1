/// One mapping for ``EPTBuilder``: `[gpa, gpa + size)` → `[hpa, hpa + size)`.
public struct EPTMapping: Hashable, Sendable {
    /// The first guest-physical address (aligned to `pageSize`).
    public var gpa: UInt64
    /// The first host-physical address (aligned to `pageSize`).
    public var hpa: UInt64
    /// The length in bytes (a nonzero multiple of `pageSize`).
    public var size: UInt64
    /// The rights of every leaf.
    public var permissions: EPTPermissions
    /// The page size of the leaves.
    public var pageSize: EPTPageSize
    /// The memory type of the leaves (bits 5:3).
    public var memoryType: EPTMemoryType

    /// Describes a mapping; ``EPTBuilder/map(_:in:)`` validates it.
    public init(
        gpa: UInt64, hpa: UInt64, size: UInt64, permissions: EPTPermissions,
        pageSize: EPTPageSize = .size4K, memoryType: EPTMemoryType = .writeBack
    ) {
        self.gpa = gpa
        self.hpa = hpa
        self.size = size
        self.permissions = permissions
        self.pageSize = pageSize
        self.memoryType = memoryType
    }
}

/// Why ``EPTBuilder`` could not materialise a mapping. Nothing is written when it throws.
public enum EPTBuildError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The table region has fewer free pages than the mapping needs.
    case tableRegionExhausted(base: UInt64, size: UInt64, needed: Int, available: Int)
    /// GPA, HPA or size is not a multiple of the page size, or the size is 0.
    case misaligned(EPTMapping)
    /// The GPA range does not fit the walk, or the HPA range passes 2^52.
    case outOfRange(EPTMapping)
    /// An existing large leaf lies where a table is needed, or an existing table
    /// lies where a large leaf should go (at `gpa`, in an entry of `level`).
    case conflict(gpa: UInt64, level: Int)

    public var description: String {
        func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        switch self {
        case .tableRegionExhausted(let b, let s, let n, let a):
            return "EPT table region [\(hex(b)), +\(hex(s))) is too small: the mapping needs \(n) "
                + "more table pages, \(a) are free"
        case .misaligned(let m):
            return "mapping \(hex(m.gpa)) → \(hex(m.hpa)) size \(hex(m.size)) is not aligned to \(m.pageSize) pages"
        case .outOfRange(let m):
            return "mapping \(hex(m.gpa)) → \(hex(m.hpa)) size \(hex(m.size)) exceeds the address space"
        case .conflict(let gpa, let level):
            return "GPA \(hex(gpa)) is already mapped differently at level \(level)"
        }
    }
}

/// Materialises EPT mappings as real paging structures in ``PhysicalMemory``.
///
/// Non-leaf entries grant R, W, X and XU so that each leaf alone decides the rights;
/// leaves carry the mapping's rights, memory type and PS. Mapping a range that is
/// already mapped with the same page size replaces the leaves.
public struct EPTBuilder: Sendable {
    /// The number of levels (4 or 5).
    public let levels: Int
    /// The address of the top-level table.
    public let rootAddress: UInt64
    /// The allocator of table pages (its state after all tables built so far).
    public private(set) var allocator: PageRegionAllocator

    /// Allocates and clears the top-level table.
    ///
    /// - Throws: ``EPTBuildError/tableRegionExhausted(base:size:needed:available:)``
    ///   when the region has no page.
    public init(levels: Int = 4, allocator: PageRegionAllocator, memory: inout PhysicalMemory)
        throws(EPTBuildError)
    {
        precondition(levels == 4 || levels == 5, "EPT walks have 4 or 5 levels")
        var allocator = allocator
        guard let root = allocator.allocate() else {
            throw .tableRegionExhausted(base: allocator.base, size: allocator.size, needed: 1, available: 0)
        }
        memory.zeroPage(containing: root)
        self.levels = levels
        self.rootAddress = root
        self.allocator = allocator
    }

    /// The EPTP of these structures (memory type WB).
    public func eptp(accessedDirty: Bool = false) -> EPTP {
        EPTP(rootAddress: rootAddress, levels: levels, memoryType: 6, accessedDirty: accessedDirty)
    }

    private static func shift(_ level: Int) -> UInt64 { UInt64(12 + 9 * (level - 1)) }

    private static func entryAddress(table: UInt64, gpa: UInt64, level: Int) -> UInt64 {
        table | (((gpa >> shift(level)) & 0x1FF) << 3)
    }

    private static func isPresent(_ entry: UInt64) -> Bool { entry & EPTPermissions.mask != 0 }

    /// Writes the structures for `mapping`, allocating the tables it needs.
    ///
    /// - Throws: ``EPTBuildError``; on error, memory and the allocator are unchanged.
    public mutating func map(_ mapping: EPTMapping, in memory: inout PhysicalMemory) throws(EPTBuildError) {
        let page = mapping.pageSize.bytes
        guard mapping.size > 0, (mapping.gpa | mapping.hpa | mapping.size) & (page - 1) == 0 else {
            throw .misaligned(mapping)
        }
        let gpaLimit: UInt64 = 1 << Self.shift(levels + 1)
        guard mapping.gpa < gpaLimit, mapping.size <= gpaLimit - mapping.gpa,
              PhysicalMemory.isValid(address: mapping.hpa),
              mapping.size <= PhysicalMemory.limit - mapping.hpa
        else { throw .outOfRange(mapping) }
        let leafLevel = mapping.pageSize.level
        let needed = try tablesNeeded(mapping, leafLevel: leafLevel, memory: memory)
        guard needed <= allocator.remainingPages else {
            throw .tableRegionExhausted(
                base: allocator.base, size: allocator.size, needed: needed, available: allocator.remainingPages)
        }
        // The table holding the leaves is the same for every leaf under one entry of the
        // level above, so it is looked up once per such span.
        let tableSpan = Self.shift(leafLevel + 1)
        var cachedPrefix: UInt64 = .max
        var table = rootAddress
        var offset: UInt64 = 0
        while offset < mapping.size {
            let gpa = mapping.gpa + offset
            if gpa >> tableSpan != cachedPrefix {
                cachedPrefix = gpa >> tableSpan
                table = rootAddress
                for level in stride(from: levels, to: leafLevel, by: -1) {
                    let address = Self.entryAddress(table: table, gpa: gpa, level: level)
                    var entry = memory.read64(address)
                    if !Self.isPresent(entry) {
                        let newTable = allocator.allocate()!  // counted above
                        memory.zeroPage(containing: newTable)
                        entry = EPTEntryBits.table(newTable)
                        memory.write64(entry, at: address)
                    }
                    table = entry & EPTEntryBits.addressMask
                }
            }
            let leaf = EPTEntryBits.leaf(
                mapping.hpa + offset, permissions: mapping.permissions,
                memoryType: mapping.memoryType, size: mapping.pageSize)
            memory.write64(leaf, at: Self.entryAddress(table: table, gpa: gpa, level: leafLevel))
            offset += page
        }
    }

    /// Convenience for ``map(_:in:)``.
    public mutating func map(
        gpa: UInt64, hpa: UInt64, size: UInt64, permissions: EPTPermissions,
        pageSize: EPTPageSize = .size4K, memoryType: EPTMemoryType = .writeBack,
        in memory: inout PhysicalMemory
    ) throws(EPTBuildError) {
        try map(EPTMapping(gpa: gpa, hpa: hpa, size: size, permissions: permissions,
                           pageSize: pageSize, memoryType: memoryType), in: &memory)
    }

    /// Counts the tables `mapping` would add and checks it conflicts with nothing.
    private func tablesNeeded(_ mapping: EPTMapping, leafLevel: Int, memory: PhysicalMemory)
        throws(EPTBuildError) -> Int
    {
        struct TableKey: Hashable { var level: Int; var prefix: UInt64 }
        var missing = Set<TableKey>()
        // Every leaf under one entry of the level above shares the tables above it, so
        // the path is checked once per such span; large leaves are each checked for a
        // table in their place.
        let tableSpan: UInt64 = 1 << Self.shift(leafLevel + 1)
        var offset: UInt64 = 0
        while offset < mapping.size {
            let gpa = mapping.gpa + offset
            var table = rootAddress
            var absent = false
            for level in stride(from: levels, to: leafLevel, by: -1) {
                // The table below an entry of `level` is named by the GPA bits above that entry's reach.
                let key = TableKey(level: level, prefix: gpa >> Self.shift(level))
                if absent { missing.insert(key); continue }
                let entry = memory.read64(Self.entryAddress(table: table, gpa: gpa, level: level))
                if !Self.isPresent(entry) {
                    absent = true
                    missing.insert(key)
                    continue
                }
                if level <= 3 && entry & EPTEntryBits.pageSize != 0 { throw .conflict(gpa: gpa, level: level) }
                table = entry & EPTEntryBits.addressMask
            }
            let spanEnd = min(mapping.size, (gpa & ~(tableSpan - 1)) + tableSpan - mapping.gpa)
            if !absent && leafLevel > 1 {
                var leafOffset = offset
                while leafOffset < spanEnd {
                    let leafGPA = mapping.gpa + leafOffset
                    let entry = memory.read64(Self.entryAddress(table: table, gpa: leafGPA, level: leafLevel))
                    if Self.isPresent(entry) && entry & EPTEntryBits.pageSize == 0 {
                        throw .conflict(gpa: leafGPA, level: leafLevel)
                    }
                    leafOffset += mapping.pageSize.bytes
                }
            }
            offset = spanEnd
        }
        return missing.count
    }
}
