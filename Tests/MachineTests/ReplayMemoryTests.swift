import Platform
import Testing
@testable import Machine

/// Replays of memory steps: access, DMA, store and remap.
@Suite("Replay: memory steps")
struct ReplayMemoryTests {
    /// guest1's EPT maps one page of guest2's RAM (a stale grant), read-write; its own
    /// EPT region is mapped into it read-write at 0x200_0000 (a hypervisor bug).
    static let model = """
        platform "overlap" {
          region hv.code  0x0010_0000 size 1M  owner hypervisor kind code
          region hv.data  0x0020_0000 size 2M  owner hypervisor kind data secret
          region g1.ept   0x0050_0000 size 64K owner hypervisor kind page-tables
          region g1.ram   0x1000_0000 size 16M owner guest1 kind ram
          region g2.ram   0x2000_0000 size 16M owner guest2 kind ram secret
          partition guest1 {
            ept in g1.ept
            map 0x0          size 16M -> g1.ram rwx
            map 0x0100_0000  size 4K  -> g2.ram + 0x3000 rw
            map 0x0100_1000  size 4K  -> g2.ram + 0x4000 r
            map 0x0200_0000  size 64K -> g1.ept rw
          }
          partition guest2 { map 0x0 size 16M -> g2.ram rwx page 2M }
        }
        """

    @Test func aReadThroughTheStaleGrantIsConfirmed() {
        let (v, m) = replay(Self.model, guest1, .read(.partition("guest2")),
                            [step(guest1, .access(.read, gpa: 0x100_0000, hpa: 0x2000_3000, userMode: false))])
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v {
            #expect(evidence == ["8 bytes of g2.ram at 0x20003000 appeared in what guest1 obtained by read at step 1"])
        }
        #expect(m?.observations.count == 1)
    }

    @Test func aReadOfTheWrongAddressOrAnUnmappedPageIsRefuted() {
        let wrong = replay(Self.model, guest1, .read(.partition("guest2")),
                           [step(guest1, .access(.read, gpa: 0x100_0000, hpa: 0x2000_4000, userMode: false))]).validation
        #expect(wrong.refutedStep == 0)
        #expect(wrong.text.contains("reaches 0x20003000 (g2.ram + 0x3000), not 0x20004000"), "\(wrong.text)")
        let unmapped = replay(Self.model, guest1, .read(.partition("guest2")),
                              [step(guest1, .access(.read, gpa: 0x300_0000, hpa: 0x2000_0000, userMode: false))]).validation
        #expect(unmapped.text.contains("EPT violation (exit 48, qualification 0x1)"), "\(unmapped.text)")
    }

    @Test func readingOwnMemoryDoesNotReachAnotherGuest() {
        let v = replay(Self.model, guest1, .read(.partition("guest2")),
                       [step(guest1, .access(.read, gpa: 0x3000, hpa: 0x1000_3000, userMode: false))]).validation
        #expect(v.refutedStep == 0)
        #expect(v.text.contains("no byte of g2.ram appeared in what guest1 observed"), "\(v.text)")
    }

    @Test func aWriteStoresTheAttackersPattern() throws {
        let (v, m) = replay(Self.model, guest1, .write(.partition("guest2")),
                            [step(guest1, .access(.write, gpa: 0x100_0008, hpa: 0x2000_3008, userMode: false))])
        #expect(v.isConfirmed, "\(v.text)")
        let machine = try #require(m)
        #expect(machine.memory.read64(0x2000_3008) == machine.patterns.attackerPattern(of: guest1)?.value)
        let readOnly = replay(Self.model, guest1, .write(.partition("guest2")),
                              [step(guest1, .access(.write, gpa: 0x100_1000, hpa: 0x2000_4000, userMode: false))]).validation
        #expect(readOnly.text.contains("EPT violation (exit 48, qualification 0xa)"), "\(readOnly.text)")
    }

    @Test func anotherGuestExecutingTheAttackersBytesIsCodeExecution() {
        let steps = [
            step(guest1, .access(.write, gpa: 0x100_0000, hpa: 0x2000_3000, userMode: false)),
            step(guest2, .access(.execute, gpa: 0x3000, hpa: 0x2000_3000, userMode: false)),
        ]
        let v = replay(Self.model, guest1, .exec(.partition("guest2")), steps).validation
        #expect(v.isConfirmed, "\(v.text)")
        let untouched = replay(Self.model, guest1, .exec(.partition("guest2")), [steps[1]]).validation
        #expect(untouched.refutedStep == 0)
        #expect(untouched.text.contains("never executed a byte of guest1's"), "\(untouched.text)")
    }

    /// A stored value is the attacker's data whatever its bytes: provenance, not a pattern, decides.
    @Test func storeWritesItsValue() throws {
        let (v, m) = replay(Self.model, guest1, .write(.partition("guest2")),
                            [step(guest1, .store(gpa: 0x100_0010, hpa: 0x2000_3010, value: 0x1234))])
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v {
            #expect(evidence == ["8 bytes guest1 wrote now lie at 0x20003010 (g2.ram + 0x3010) in g2.ram"])
        }
        #expect(m?.memory.read64(0x2000_3010) == 0x1234)
        #expect(m?.origins.origin(at: 0x2000_3010) == .attacker)
        #expect(m?.origins.origin(at: 0x2000_3018) == .region(4))
    }

    /// guest1 writes its own EPT (mapped at 0x200_0000): it rewrites the PTE of
    /// guest-physical 0x5000 to reach guest2's RAM, then reads through it.
    @Test func remapThroughAWritableMappingOfTheEPT() {
        let remap = step(guest1, .remap(target: guest1, gpa: 0x5000, hpa: 0x2000_7000, permissions: [.read]))
        let read = step(guest1, .access(.read, gpa: 0x5008, hpa: 0x2000_7008, userMode: false))
        let (v, m) = replay(Self.model, guest1, .read(.partition("guest2")), [remap, read])
        #expect(v.isConfirmed, "\(v.text)")
        #expect(m?.events.contains { $0.text.contains("rewrites guest1's level-1 entry") } == true)
        let misaligned = replay(Self.model, guest1, .read(.partition("guest2")),
                                [step(guest1, .remap(target: guest1, gpa: 0x5000, hpa: 0x2000_7008, permissions: [.read]))]).validation
        #expect(misaligned.text.contains("differ within the 4K leaf"), "\(misaligned.text)")
        // guest2 cannot write guest1's EPT.
        let foreign = replay(Self.model, guest2, .read(.partition("guest1")),
                             [step(guest2, .remap(target: guest1, gpa: 0x5000, hpa: 0x2000_7000, permissions: [.read]))]).validation
        #expect(foreign.text.contains("guest2 has no writable translation of guest1's level-1 entry"), "\(foreign.text)")
    }

    /// guest2's EPT has 2-MiB leaves in hidden memory: nobody can reach them.
    @Test func tablesInHiddenMemoryAreOutOfReach() {
        let v = replay(Self.model, guest1, .read(.partition("guest2")),
                       [step(guest1, .remap(target: guest2, gpa: 0x20_0000, hpa: 0x0020_0000, permissions: [.read]))]).validation
        #expect(v.text.contains("guest1 has no writable translation of guest2's level-2 entry"), "\(v.text)")
    }
}
