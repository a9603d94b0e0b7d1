import Platform
import Testing
@testable import Machine

/// The replayer's judgement from the provenance of bytes: whose data a byte is, who acts
/// for the attacker, and what that makes of `read`, `write` and `exec` goals.
@Suite("Replay: provenance of bytes")
struct ReplayProvenanceTests {
    static let model = """
        platform "provenance" {
          region hv.code    0x0010_0000 size 1M  owner hypervisor kind code
          region hv.data    0x0020_0000 size 1M  owner hypervisor kind data secret
          region hv.buf     0x0030_0000 size 4K  owner none kind data
          region hv.free    0x0040_0000 size 4K  owner hypervisor kind free
          region g1.ram     0x1000_0000 size 16M owner guest1 kind ram
          region g2.ram     0x2000_0000 size 16M owner guest2 kind ram secret
          region smram      0x7F00_0000 size 1M  owner smm kind smram
          hypervisor {
            scrub-on-free on
            hypercall 0x1 "to_buf" (src, off, len) {
              require off + len <= hv.buf.size
              copy guest src to host hv.buf + off len len
            }
            hypercall 0x2 "peek" (off, len) { copy host hv.data + off to guest 0x8000 len len }
            hypercall 0x3 "stash" { copy host g2.ram to host hv.buf len 16 }
            hypercall 0x4 "lend" { give hv.free to guest1 at 0x100_0000 rw }
            hypercall 0x5 "own_copy" { copy host g1.ram to host g1.ram + 0x100 len 8 }
            exit io 0xCF8 out { write host hv.data + port * 4 len size }
          }
          partition guest1 {
            map 0x0 size 16M -> g1.ram rwx
            map 0x200_0000 size 4K -> hv.buf r
            vmcs { io exit 0xCF8 }
          }
          partition guest2 {
            map 0x0 size 16M -> g2.ram rwx
            map 0x100_0000 size 1M -> g1.ram rwx
          }
          smm { smram smram  smrr off  lock off }
        }
        """

    static let hypervisor = Target.principal(.hypervisor)

    // MARK: - write

    /// hypercall-wrap.moat: a copy from the attacker's own memory into the target is its write,
    /// whatever bytes its memory held.
    @Test func aCopyOfTheAttackersOwnMemoryIsItsWrite() {
        let v = replay(Self.model, guest1, .write(Self.hypervisor),
                       [step(guest1, .hypercall(number: 1, arguments: [0x40, 0 &- 4, 4]))]).validation
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v {
            #expect(evidence == ["4 bytes of g1.ram (guest1's own memory) now lie at 0x2ffffc (hv.data + 0xffffc) in hv.data"])
        }
    }

    /// every-construct.moat: an I/O exit handler that writes one byte of the attacker's data.
    @Test func oneByteAHandlerWritesForTheAttackerIsItsWrite() {
        let (v, m) = replay(Self.model, guest1, .write(Self.hypervisor),
                            [step(guest1, .io(port: 0xCF8, size: 1, value: 0, write: true))])
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v { #expect(evidence == ["1 byte guest1 wrote now lies at 0x2033e0 (hv.data + 0x33e0) in hv.data"]) }
        #expect(m?.origins.origin(at: 0x20_33E1) == .region(1))
    }

    /// Bytes of someone else moved into the target are not the attacker's.
    @Test func aCopyOfAnotherPrincipalsBytesIsNotTheAttackersWrite() {
        let v = replay(Self.model, guest1, .write(.region("hv.buf")),
                       [step(guest1, .hypercall(number: 3, arguments: []))]).validation
        #expect(v.refutedStep == 0 && v.text.contains("no region of hv.buf (hv.buf) holds a byte of guest1's"), "\(v.text)")
        // The same copy is guest2's write: its own memory is its data.
        let theirs = replay(Self.model, guest2, .write(.region("hv.buf")),
                            [step(guest2, .hypercall(number: 3, arguments: []))]).validation
        #expect(theirs.isConfirmed, "\(theirs.text)")
    }

    /// A page the hypervisor handed to the attacker is no longer its old owner's.
    @Test func writingAGivenPageIsNotWritingItsOldOwner() {
        let steps = [step(guest1, .hypercall(number: 4, arguments: [])),
                     step(guest1, .access(.write, gpa: 0x100_0000, hpa: 0x40_0000, userMode: false))]
        let (v, m) = replay(Self.model, guest1, .write(Self.hypervisor), steps)
        #expect(v.refutedStep == 1, "\(v.text)")
        #expect(m?.givenAway == ["hv.free"])
        #expect(m?.origins.origin(at: 0x40_0000) == .attacker)
        #expect(m?.origins.origin(at: 0x40_0008) == ByteOrigin.none, "scrubbed bytes are nobody's")
    }

    // MARK: - read

    /// A handler's one-byte copy of the target is a read: every observed byte has a provenance.
    @Test func oneObservedByteOfTheTargetIsARead() {
        let v = replay(Self.model, guest1, .read(Self.hypervisor),
                       [step(guest1, .hypercall(number: 2, arguments: [0x10, 1]))]).validation
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v {
            #expect(evidence == ["1 byte of hv.data appeared in what guest1 obtained by hypercall 0x2 \"peek\"'s copy to guest 0x8000 at step 1"])
        }
    }

    /// Bytes keep their provenance through copies: guest2's bytes, staged in a buffer by the
    /// hypervisor, are guest2's when guest1 reads them there.
    @Test func copiedBytesKeepTheirOrigin() {
        let steps = [step(guest1, .hypercall(number: 3, arguments: [])),
                     step(guest1, .access(.read, gpa: 0x200_0000, hpa: 0x30_0000, userMode: false))]
        let v = replay(Self.model, guest1, .read(.partition("guest2")), steps).validation
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v {
            // guest1 can read hv.buf, so the deposit itself is already an observation.
            #expect(evidence == ["16 bytes of g2.ram appeared in what guest1 obtained by hypercall 0x3 \"stash\"'s copy to host 0x300000 (hv.buf) at step 1",
                                 "8 bytes of g2.ram at 0x300000 appeared in what guest1 obtained by read at step 2"])
        }
        let before = replay(Self.model, guest1, .read(.partition("guest2")), [steps[1]]).validation
        #expect(before.refutedStep == 0, "\(before.text)")
    }

    // MARK: - control and exec

    /// smrr-cache-poisoning.moat: SMM, once it ran the attacker's code, reads for the attacker.
    @Test func aContextThatRanTheAttackersCodeObservesForIt() throws {
        let root = Principal.partition("guest1")
        let open = [step(root, .msr(index: 0x200, value: 0x7F00_0006, write: true)),
                    step(root, .msr(index: 0x201, value: 0x3FFF_FFF0_0800, write: true))]
        let steps = open + [step(root, .access(.write, gpa: 0x7F00_8000, hpa: 0x7F00_8000, userMode: false)),
                            step(root, .smi(number: 0, arguments: [])),
                            step(.smm, .access(.read, gpa: 0x2000_0000, hpa: 0x2000_0000, userMode: false))]
        let model = Self.model.replacingAll("vmcs { io exit 0xCF8 }", with: "map 0x7F00_0000 size 1M -> smram rw\n vmcs { io exit 0xCF8  io pass 0xB2  msr pass write 0x200..0x201 }")
        let (v, m) = replay(model, root, .read(.partition("guest2")), steps)
        #expect(v.isConfirmed, "\(v.text)")
        let machine = try #require(m)
        #expect(machine.control(of: root).all == [root, .smm])
        // SMM reading before anyone took it over reads for nobody.
        let early = replay(model, root, .read(.partition("guest2")), [steps[4]]).validation
        #expect(early.refutedStep == 0 && early.text.contains("no byte of g2.ram appeared in what guest1 observed (0 observations)"), "\(early.text)")
    }

    /// Another context running the attacker's own memory runs the attacker's code, written or not.
    @Test func anotherContextRunningTheAttackersMemoryIsCodeExecution() {
        let run = step(guest2, .access(.execute, gpa: 0x100_0040, hpa: 0x1000_0040, userMode: false))
        let v = replay(Self.model, guest1, .exec(.partition("guest2")), [run]).validation
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v {
            #expect(evidence == ["guest2 executed g1.ram (guest1's own memory) at 0x10000040 (g1.ram + 0x40) (fetch) at step 1"])
        }
    }

    /// The hypervisor running the attacker's bytes is `exec hypervisor`, not yet `exec guest2`.
    @Test func theHypervisorRunningTheAttackersBytesIsNotExecOfAnotherGuest() {
        let steps = [step(guest1, .io(port: 0xCF8, size: 1, value: 0, write: true)),
                     step(.hypervisor, .access(.execute, gpa: 0x20_33E0, hpa: 0x20_33E0, userMode: false))]
        let hv = replay(Self.model, guest1, .exec(Self.hypervisor), steps).validation
        #expect(hv.isConfirmed, "\(hv.text)")
        let other = replay(Self.model, guest1, .exec(.partition("guest2")), steps).validation
        #expect(other.refutedStep == 1 && other.text.contains("guest2 never executed a byte of guest1's"), "\(other.text)")
    }

    /// Code integrity: the attacker running its own memory is no breach; running bytes it
    /// wrote at run time in kernel mode is, and so are bytes a handler copied within its memory.
    @Test func codeIntegrityCountsOnlyBytesWrittenAtRunTime() {
        let run = step(guest1, .access(.execute, gpa: 0x40, hpa: 0x1000_0040, userMode: false))
        let own = replay(Self.model, guest1, .exec(.partition("guest1")), [run]).validation
        #expect(own.refutedStep == 0, "\(own.text)")
        let write = step(guest1, .access(.write, gpa: 0x40, hpa: 0x1000_0040, userMode: false))
        let written = replay(Self.model, guest1, .exec(.partition("guest1")), [write, run]).validation
        #expect(written.isConfirmed, "\(written.text)")
        let copied = replay(Self.model, guest1, .exec(.partition("guest1")),
                            [step(guest1, .hypercall(number: 5, arguments: [])),
                             step(guest1, .access(.execute, gpa: 0x100, hpa: 0x1000_0100, userMode: false))]).validation
        #expect(copied.refutedStep == 1, "a copy of its own initial bytes is not new code: \(copied.text)")
    }
}

/// The sparse provenance store.
@Suite("Byte origins")
struct ByteOriginsTests {
    static let regions = platform("""
        platform "r" {
          region a 0x1000 size 4K kind data
          region b 0x10_0000 size 1M kind data
        }
        """).regions

    @Test func untouchedBytesHoldTheirRegion() {
        let o = ByteOrigins(regions: Self.regions)
        #expect(o.origin(at: 0x1000) == .region(0))
        #expect(o.origin(at: 0x1FFF) == .region(0))
        #expect(o.origin(at: 0x2000) == ByteOrigin.none)
        #expect(o.origin(at: 0x10_0000 + 0xFFFFF) == .region(1))
    }

    @Test func bytesAndSpansOverrideRegions() {
        var o = ByteOrigins(regions: Self.regions)
        o.set(0x10_0010, to: .attacker)
        o.set(0x10_0000, count: 0x10_0000, to: .none)  // a span over all of b
        #expect(o.origin(at: 0x10_0010) == ByteOrigin.none, "a span relabels bytes labelled before it")
        o.set(0x10_0020, to: [.attacker, .region(0)])
        #expect(o.origins(0x10_001F, count: 4) == [.none, .attacker, .region(0), .none])
        #expect(o.first(in: 0x10_0000..<0x20_0000) { $0 == .region(0) }?.address == 0x10_0021)
        #expect(o.first(in: 0x0..<0x20_0000) { $0 == .region(0) }?.address == 0x1000)
        #expect(o.first(in: 0x2000..<0x10_0020) { $0 != ByteOrigin.none } == nil)
    }

    @Test func aSearchSkipsLargeUniformRunsWithoutVisitingEveryByte() {
        var o = ByteOrigins(regions: Self.regions)
        o.set(0x10_0000 + 0xFFFFF, to: .attacker)
        #expect(o.first(in: 0..<(1 << 52)) { $0 == .attacker }?.address == 0x1F_FFFF)
    }
}
