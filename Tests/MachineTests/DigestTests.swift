import Platform
import Testing
@testable import Machine

/// The state digest explorers deduplicate by, and the copies that move runs at once.
@Suite("Digests and bulk copies")
struct DigestTests {
    @Test func theContentHashDependsOnTheContentsNotTheHistory() {
        var a = PhysicalMemory()
        var b = PhysicalMemory()
        a.write64(0x1122, at: 0x1000)
        a.write64(0x3344, at: 0x5008)
        b.write64(0x9999, at: 0x5008)
        b.write64(0x3344, at: 0x5008)
        b.write64(0x1122, at: 0x1000)
        #expect(a.contentHash == b.contentHash)
        b.write8(1, at: 0x1000)
        #expect(a.contentHash != b.contentHash)
        b.write8(0x22, at: 0x1000)
        #expect(a.contentHash == b.contentHash)
        // A page written back to its background contributes nothing, stored or not.
        var c = PhysicalMemory()
        c.fillPeriodic(0, count: 0x4000, pattern: 0x0102_0304_0506_0708)
        var d = c
        d.write64(0xFF, at: 0x2000)
        d.write64(0x0102_0304_0506_0708, at: 0x2000)
        #expect(c.contentHash == d.contentHash && d.allocatedPageCount == 1)
        // Refilling a stored page keeps the hash a function of the contents.
        var e = PhysicalMemory()
        e.fillPeriodic(0, count: 0x4000, pattern: 7)
        d.fillPeriodic(0, count: 0x4000, pattern: 7)
        #expect(d.contentHash == e.contentHash)
    }

    @Test func originHashesFollowTheLabels() {
        let regions = platform("platform \"r\" { region a 0x1000 size 4K kind data }").regions
        var a = ByteOrigins(regions: regions)
        var b = a
        a.set(0x1000, to: .attacker)
        b.set(0x1000, to: [.none, .attacker])
        b.set(0x1001, to: .region(0))
        #expect(a.contentHash != b.contentHash)
        a.set(0x1001, to: .region(0))
        b.set(0x1000, to: .attacker)
        #expect(a.contentHash == b.contentHash)
    }

    static let model = """
        platform "copies" {
          region hv.data 0x0020_0000 size 64K owner hypervisor kind data secret
          region g1.ram  0x1000_0000 size 64K owner guest1 kind ram
          hypervisor {
            hypercall 0x1 (src, dst, n) { copy host src to host dst len n }
          }
          partition guest1 { map 0x0 size 64K -> g1.ram rwx }
        }
        """

    /// A forward overlapping copy repeats its first bytes, as byte by byte; a backward one moves them.
    @Test func overlappingCopiesMoveByteByByte() throws {
        let forward = replay(Self.model, guest1, .dos, [step(guest1, .hypercall(number: 1, arguments: [0x20_0000, 0x20_0001, 0x20]))])
        let m = try #require(forward.machine)
        let first = m.memory.read8(0x20_0000)
        #expect(m.memory.readBytes(0x20_0000, count: 0x21) == [UInt8](repeating: first, count: 0x21))
        let backward = replay(Self.model, guest1, .dos, [step(guest1, .hypercall(number: 1, arguments: [0x20_0001, 0x20_0000, 0x2000]))])
        let n = try #require(backward.machine)
        let fresh = try PlatformMachine(platform: platform(Self.model))
        #expect(n.memory.readBytes(0x20_0000, count: 0x2000) == fresh.memory.readBytes(0x20_0001, count: 0x2000))
        #expect(n.origins.first(in: 0x20_0000..<0x20_2001) { $0 != .region(0) } == nil)
    }

    @Test func equalStatesHaveEqualDigests() throws {
        let write = step(guest1, .access(.write, gpa: 0x100, hpa: 0x1000_0100, userMode: false))
        let read = step(guest1, .access(.read, gpa: 0x200, hpa: 0x1000_0200, userMode: false))
        let once = try #require(replay(Self.model, guest1, .dos, [write]).machine)
        let twice = try #require(replay(Self.model, guest1, .dos, [write, read, write]).machine)
        let fresh = try PlatformMachine(platform: platform(Self.model))
        #expect(once.digest() == twice.digest())
        #expect(once.digest() != fresh.digest())
        // The read is not part of the machine's state, only of what the attacker achieved.
        #expect(once.achievements(of: guest1).observedRegions == [] && twice.achievements(of: guest1).observedRegions == [1])
    }
}
