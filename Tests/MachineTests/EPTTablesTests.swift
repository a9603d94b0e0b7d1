import Platform
import Testing
@testable import Machine

/// Range rewrites of built EPT tables: splitting large leaves, clearing, leaf search.
@Suite("EPT tables")
struct EPTTablesTests {
    static func built(_ pageSize: EPTPageSize = .size2M) -> (EPTTables, PhysicalMemory) {
        var memory = PhysicalMemory()
        var builder = try! EPTBuilder(allocator: try! PageRegionAllocator(base: 0x10_0000, size: 0x10_0000), memory: &memory)
        try! builder.map(gpa: 0, hpa: 0x4000_0000, size: 0x40_0000, permissions: [.read, .write, .execute],
                         pageSize: pageSize, in: &memory)
        return (EPTTables(builder: builder), memory)
    }

    static func walk(_ tables: EPTTables, _ memory: inout PhysicalMemory, _ gpa: UInt64, _ access: EPTAccess = .read) -> EPTOutcome {
        try! EPTWalker(eptp: tables.eptp).walk(gpa, access: access, in: &memory)
    }

    @Test func rewritingOnePageSplitsTheLargeLeafAroundIt() throws {
        var (tables, memory) = Self.built()
        try tables.set(0x20_3000, size: 0x1000, to: .init(hpa: 0x7000_0000, permissions: [.read]), in: &memory)
        #expect(Self.walk(tables, &memory, 0x20_3123) == .translated(hpa: 0x7000_0123, pageSize: .size4K))
        #expect(Self.walk(tables, &memory, 0x20_3000, .write).exitReason == 48)
        // Its neighbours keep the large leaf's frames and rights, now as 4-KiB leaves.
        #expect(Self.walk(tables, &memory, 0x20_4008, .write) == .translated(hpa: 0x4020_4008, pageSize: .size4K))
        #expect(Self.walk(tables, &memory, 0x1F_FFF8) == .translated(hpa: 0x401F_FFF8, pageSize: .size2M))
    }

    @Test func clearingAWholeLargeLeafAndPartOfAnother() throws {
        var (tables, memory) = Self.built()
        try tables.set(0, size: 0x20_1000, to: nil, in: &memory)
        #expect(Self.walk(tables, &memory, 0x1000).exitReason == 48)
        #expect(Self.walk(tables, &memory, 0x20_0000).exitReason == 48)
        #expect(Self.walk(tables, &memory, 0x20_1000) == .translated(hpa: 0x4020_1000, pageSize: .size4K))
        // Clearing what is already absent allocates nothing.
        let before = tables.allocator.usedPages
        try tables.set(0x100_0000_0000, size: 0x40_0000, to: nil, in: &memory)
        #expect(tables.allocator.usedPages == before)
    }

    @Test func largeLeavesAreUsedWhereTheRangeAndFramesAllow() throws {
        var (tables, memory) = Self.built(.size4K)
        try tables.set(0x20_0000, size: 0x20_0000, to: .init(hpa: 0x6000_0000, permissions: [.read], largestPage: .size2M), in: &memory)
        #expect(Self.walk(tables, &memory, 0x30_0000) == .translated(hpa: 0x6010_0000, pageSize: .size2M))
        try tables.set(0x20_0000, size: 0x20_0000, to: .init(hpa: 0x6000_1000, permissions: [.read], largestPage: .size2M), in: &memory)
        #expect(Self.walk(tables, &memory, 0x30_0000) == .translated(hpa: 0x6010_1000, pageSize: .size4K))
    }

    @Test func slotsAndLeafSearch() {
        let (tables, memory) = Self.built()
        let leaf = EPTTables.slot(root: tables.root, gpa: 0x23_4567, in: memory)
        #expect(leaf.isLeaf && leaf.level == 2 && leaf.translate(0x23_4567) == 0x4023_4567)
        let absent = EPTTables.slot(root: tables.root, gpa: 0x8000_0000, in: memory)
        #expect(!absent.isPresent && absent.level == 3)
        var leaves: [UInt64] = []
        EPTTables.forEachLeaf(root: tables.root, in: memory) { leaves.append($0.gpaBase); return true }
        #expect(leaves == [0, 0x20_0000])
    }

    @Test func runningOutOfTablePagesIsReported() {
        var memory = PhysicalMemory()
        var builder = try! EPTBuilder(allocator: try! PageRegionAllocator(base: 0x10_0000, size: 0x4000), memory: &memory)
        try! builder.map(gpa: 0, hpa: 0, size: 0x20_0000, permissions: [.read], pageSize: .size2M, in: &memory)
        var tables = EPTTables(builder: builder)
        #expect(throws: EPTBuildError.self) {
            try tables.set(0x4000_0000, size: 0x1000, to: .init(hpa: 0, permissions: [.read]), in: &memory)
        }
    }
}

@Suite("Handler expressions")
struct ExpressionEvaluatorTests {
    typealias E = ExpressionEvaluator

    @Test(arguments: [
        (BinaryOperator.add, UInt64.max, 2 as UInt64, 1 as UInt64),
        (.sub, 0, 1, UInt64.max),
        (.mul, 1 << 63, 2, 0),
        (.shl, 1, 63, 1 << 63),
        (.shl, 1, 64, 0),
        (.shr, UInt64.max, 64, 0),
        (.shr, UInt64.max, 1000, 0),
        (.shr, 0x80, 7, 1),
    ])
    func arithmeticWrapsAndShiftsAsSMTLIB(op: BinaryOperator, a: UInt64, b: UInt64, expected: UInt64) {
        #expect(E.arithmetic(op, a, b) == expected)
    }

    @Test func overlapsAndWithinDoNotWrap() {
        #expect(!E.overlaps(UInt64.max - 1, 4, 0, 0x1000))  // [2^64−2, 2^64+2) does not wrap onto 0
        #expect(E.overlaps(0x1000, 0x10, 0x100F, 1))
        #expect(!E.overlaps(0x1000, 0, 0x1000, 0x10))
        #expect(!E.within(UInt64.max - 1, 4, 0, UInt64.max))
        #expect(E.within(0x1000, 0x10, 0x1000, 0x10))
        #expect(E.within(UInt64.max, 1, 0, UInt64.max) == false)
        #expect(E.within(UInt64.max - 1, 1, 0, UInt64.max))
    }
}
