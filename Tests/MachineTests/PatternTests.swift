import Platform
import Testing
@testable import Machine

@Suite("Patterns and the memory background")
struct PatternTests {
    static let pattern: UInt64 = 0x1122_3344_5566_7788

    @Test func aFilledRangeReadsAsItsPatternWithoutStorage() {
        var memory = PhysicalMemory()
        memory.fillPeriodic(0x1_0000_0000, count: 4 << 30, pattern: Self.pattern)
        #expect(memory.allocatedPageCount == 0)
        #expect(memory.read64(0x1_0000_0000) == Self.pattern)
        #expect(memory.read64(0x1_8000_1238) == Self.pattern)
        #expect(memory.read8(0x1_0000_0003) == 0x55)  // byte 3 sits at addresses ≡ 3 (mod 8)
        #expect(memory.read32(0x1_0000_0004) == 0x1122_3344)
        #expect(memory.read64(0x0FFF_FFF8) == 0)
        #expect(memory.read64(0x2_0000_0000) == 0)
    }

    @Test func aWriteMaterialisesThePageFromTheBackground() {
        var memory = PhysicalMemory()
        memory.fillPeriodic(0x10000, count: 0x2000, pattern: Self.pattern)
        memory.write8(0xAB, at: 0x10008)
        #expect(memory.allocatedPageCount == 1)
        #expect(memory.read64(0x10008) == (Self.pattern & ~0xFF) | 0xAB)
        #expect(memory.read64(0x10FF8) == Self.pattern)
        // Writing what the background already holds stores nothing.
        memory.write64(Self.pattern, at: 0x11000)
        #expect(memory.allocatedPageCount == 1)
        memory.zeroPage(containing: 0x11000)
        #expect(memory.read64(0x11000) == 0 && memory.allocatedPageCount == 2)
    }

    @Test func refillingOverwritesStoredPagesAndSplitsSpans() {
        var memory = PhysicalMemory()
        memory.fillPeriodic(0, count: 0x10000, pattern: Self.pattern)
        memory.write64(42, at: 0x3000)
        memory.fillPeriodic(0x2FFC, count: 0x10, pattern: 0)  // unaligned edges
        #expect(memory.read32(0x2FF8) == 0x5566_7788)
        #expect(memory.read32(0x2FFC) == 0)
        #expect(memory.read64(0x3000) == 0)
        #expect(memory.read32(0x3008) == 0)
        #expect(memory.read32(0x300C) == 0x1122_3344)
        #expect(memory.read64(0x8000) == Self.pattern)
    }

    @Test func backgroundSpansStaySortedAndDisjoint() {
        var background = MemoryBackground()
        background.fill(0x100, 0x200, pattern: 1)
        background.fill(0x300, 0x400, pattern: 2)
        background.fill(0x180, 0x380, pattern: 3)
        #expect(background.starts == [0x100, 0x180, 0x380])
        #expect(background.ends == [0x180, 0x380, 0x400])
        #expect(background.patterns == [1, 3, 2])
        background.fill(0, 0x1000, pattern: 0)
        #expect(background.isEmpty)
    }

    static let platform = try! Platform.parse("""
        platform "p" {
          region a 0x1000 size 4K owner hypervisor
          region b 0x2000 size 4K owner g
          partition g { map 0 size 4K -> b rw }
        }
        """, file: "p.moat").platform

    @Test func everyRegionAndPrincipalHasADistinctiveDistinctPattern() {
        let catalog = PatternCatalog(platform: Self.platform)
        let all = Array(catalog.patterns.values)
        #expect(all.count == 2 + 2)  // regions a, b; principals hypervisor, g.vtl0
        #expect(Set(all).count == all.count)
        for p in all { #expect(p.isDistinctive) }
        // Deterministic: the same names give the same patterns.
        #expect(PatternCatalog(platform: Self.platform) == catalog)
    }

    @Test func threeBytesNameTheirOwnerAtAnyAlignment() throws {
        let catalog = PatternCatalog(platform: Self.platform)
        let b = try #require(catalog.pattern(ofRegion: "b"))
        let g = try #require(catalog.attackerPattern(of: .partition("g")))
        let bytes: [UInt8] = [0, 0] + b.bytes(at: 0x2005, count: 5) + [0xFF] + g.bytes(at: 3, count: 3) + [7, 7]
        let matches = catalog.identify(bytes)
        #expect(matches == [
            PatternCatalog.Match(owner: .region("b"), offset: 2, length: 5),
            PatternCatalog.Match(owner: .attacker(.partition("g")), offset: 8, length: 3),
        ])
        #expect(catalog.identify(b.bytes(at: 0, count: 2)).isEmpty)
        #expect(catalog.owner(ofQuadword: b.value) == .region("b"))
    }
}
