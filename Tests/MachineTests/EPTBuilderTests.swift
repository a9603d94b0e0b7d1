import Testing
@testable import Machine

@Suite("EPTBuilder")
struct EPTBuilderTests {
    static let tables: UInt64 = 0x100_0000

    static func builder(pages: UInt64 = 64, levels: Int = 4, memory: inout PhysicalMemory) throws -> EPTBuilder {
        let region = try PageRegionAllocator(base: tables, size: pages * 0x1000)
        return try EPTBuilder(levels: levels, allocator: region, memory: &memory)
    }

    @Test(arguments: [4, 5])
    func walksReturnWhatWasBuilt(levels: Int) throws {
        var memory = PhysicalMemory()
        var builder = try Self.builder(levels: levels, memory: &memory)
        try builder.map(gpa: 0x0, hpa: 0x2000_0000, size: 0x4000, permissions: [.read, .write], in: &memory)
        try builder.map(gpa: 0x4000_0000, hpa: 0x8000_0000, size: 0x40_0000, permissions: [.read, .execute],
                        pageSize: .size2M, in: &memory)
        try builder.map(gpa: 0x1_0000_0000, hpa: 0x1_4000_0000, size: 0x4000_0000, permissions: [.read],
                        pageSize: .size1G, in: &memory)
        let walker = try EPTWalker(eptp: builder.eptp())
        #expect(walker.walk(0x3FFF, access: .write, in: &memory) == .translated(hpa: 0x2000_3FFF, pageSize: .size4K))
        #expect(walker.walk(0x1234, access: .fetchSupervisor, in: &memory)
            == .violation(qualification: 4 | 8 | 16, gpa: 0x1234))
        #expect(walker.walk(0x4000, access: .read, in: &memory) == .violation(qualification: 1, gpa: 0x4000))
        #expect(walker.walk(0x4030_0010, access: .fetchSupervisor, in: &memory)
            == .translated(hpa: 0x8030_0010, pageSize: .size2M))
        #expect(walker.walk(0x1_2345_6789, access: .read, in: &memory)
            == .translated(hpa: 0x1_6345_6789, pageSize: .size1G))
        #expect(walker.walk(0x1_2345_6789, access: .write, in: &memory)
            == .violation(qualification: 2 | 8, gpa: 0x1_2345_6789))
        // Root + (PDPT, PD, PT) for the 4K range + PD for the 2M range (+ PML4 when 5-level).
        #expect(builder.allocator.usedPages == 5 + (levels == 5 ? 1 : 0))
    }

    @Test func tablesComeFromTheRegion() throws {
        var memory = PhysicalMemory()
        var builder = try Self.builder(memory: &memory)
        try builder.map(gpa: 0x7000_0000, hpa: 0x1000, size: 0x1000, permissions: .all, in: &memory)
        let walker = try EPTWalker(eptp: builder.eptp())
        let walk = walker.walkRecordingEntries(0x7000_0000, access: .read, in: &memory)
        for entry in walk.entries {
            #expect((Self.tables..<Self.tables + 64 * 0x1000).contains(entry.address))
        }
    }

    @Test func tooSmallRegionFailsClearlyAndWritesNothing() throws {
        var memory = PhysicalMemory()
        var builder = try Self.builder(pages: 3, memory: &memory)
        let before = memory.allocatedPageCount
        #expect(throws: EPTBuildError.tableRegionExhausted(base: Self.tables, size: 0x3000, needed: 3, available: 2)) {
            try builder.map(gpa: 0, hpa: 0x10_0000, size: 0x1000, permissions: .all, in: &memory)
        }
        #expect(memory.allocatedPageCount == before)
        #expect(builder.allocator.usedPages == 1)
        // Two tables suffice for a 2M page (PDPT, PD).
        try builder.map(gpa: 0, hpa: 0x20_0000, size: 0x20_0000, permissions: .all, pageSize: .size2M, in: &memory)
        let error = EPTBuildError.tableRegionExhausted(base: Self.tables, size: 0x3000, needed: 1, available: 0)
        #expect(error.description.contains("too small"))
    }

    @Test func emptyRegionCannotHoldTheRoot() throws {
        var memory = PhysicalMemory()
        let region = try PageRegionAllocator(base: 0x1000, size: 0)
        #expect(throws: EPTBuildError.self) { try EPTBuilder(allocator: region, memory: &memory) }
        #expect(throws: PageRegionAllocator.Problem.misaligned(base: 0x1001, size: 0x1000)) {
            try PageRegionAllocator(base: 0x1001, size: 0x1000)
        }
    }

    @Test func misalignedAndConflictingMappings() throws {
        var memory = PhysicalMemory()
        var builder = try Self.builder(memory: &memory)
        #expect(throws: EPTBuildError.self) {
            try builder.map(gpa: 0x1000, hpa: 0, size: 0x20_0000, permissions: .all, pageSize: .size2M, in: &memory)
        }
        #expect(throws: EPTBuildError.self) {
            try builder.map(gpa: 1 << 48, hpa: 0, size: 0x1000, permissions: .all, in: &memory)
        }
        try builder.map(gpa: 0, hpa: 0, size: 0x20_0000, permissions: .all, pageSize: .size2M, in: &memory)
        #expect(throws: EPTBuildError.conflict(gpa: 0x5000, level: 2)) {
            try builder.map(gpa: 0x5000, hpa: 0, size: 0x1000, permissions: .all, in: &memory)
        }
        try builder.map(gpa: 0x20_0000, hpa: 0, size: 0x1000, permissions: .all, in: &memory)
        #expect(throws: EPTBuildError.conflict(gpa: 0x20_0000, level: 2)) {
            try builder.map(gpa: 0x20_0000, hpa: 0, size: 0x20_0000, permissions: .all, pageSize: .size2M, in: &memory)
        }
    }

    @Test func remappingReplacesLeaves() throws {
        var memory = PhysicalMemory()
        var builder = try Self.builder(memory: &memory)
        try builder.map(gpa: 0x3000, hpa: 0x9000, size: 0x1000, permissions: .all, in: &memory)
        try builder.map(gpa: 0x3000, hpa: 0xA000, size: 0x1000, permissions: [.read], in: &memory)
        let walker = try EPTWalker(eptp: builder.eptp())
        #expect(walker.walk(0x3008, access: .read, in: &memory) == .translated(hpa: 0xA008, pageSize: .size4K))
        #expect(walker.walk(0x3008, access: .write, in: &memory) == .violation(qualification: 2 | 8, gpa: 0x3008))
    }

    @Test func userExecuteAndMemoryTypeReachTheLeaf() throws {
        var memory = PhysicalMemory()
        var builder = try Self.builder(memory: &memory)
        try builder.map(gpa: 0, hpa: 0x5000, size: 0x1000, permissions: [.read, .userExecute],
                        memoryType: .uncacheable, in: &memory)
        let mbec = try EPTWalker(eptp: builder.eptp(), modeBasedExecute: true)
        #expect(mbec.walk(0x10, access: .fetchUser, in: &memory) == .translated(hpa: 0x5010, pageSize: .size4K))
        #expect(mbec.walk(0x10, access: .fetchSupervisor, in: &memory)
            == .violation(qualification: 4 | 8 | 64, gpa: 0x10))
        let entry = mbec.walkRecordingEntries(0x10, access: .read, in: &memory).entries.last!.value
        #expect((entry >> 3) & 7 == 0)
    }
}
