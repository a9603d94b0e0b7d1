import Platform
import Testing
@testable import Machine

/// Replays of hypercalls and VM exits handled by the hypervisor's handlers.
@Suite("Replay: handlers")
struct ReplayHandlerTests {
    static let model = """
        platform "handlers" {
          region hv.code    0x0010_0000 size 1M  owner hypervisor kind code
          region hv.data    0x0020_0000 size 2M  owner hypervisor kind data secret
          region hv.shared  0x0040_0000 size 4K  owner hypervisor kind data
          region hv.stack   0x0041_0000 size 64K owner hypervisor kind stack
          region g1.ram     0x1000_0000 size 16M owner guest1 kind ram
          region g2.page    0x2000_0000 size 4K  owner guest2 kind ram secret
          region g2.ram     0x2000_1000 size 1M  owner guest2 kind ram
          partition guest1 { map 0x0 size 16M -> g1.ram rwx }
          partition guest2 {
            map 0x0 size 4K -> g2.page rw
            map 0x1000 size 1M -> g2.ram rwx
          }
          hypervisor {
            scrub-on-free SCRUB
            hypercall 0x1 "read_shared" (off, len, dst) {
              require off + len <= 0x1000
              copy host hv.shared + off to guest dst len len
            }
            hypercall 0x2 "free_page" from guest2 { give g2.page to guest1 at 0x100_0000 rw }
            hypercall 0x3 "echo" (x) { return x }
            exit io 0x80 in { leak-uninitialised hv.stack len 3 to result }
            exit msr 0x800..0x8ff read { copy host hv.data + (msr - 0x800) * 16 to result len 8 }
            exit cpuid { copy host hv.data to guest 0x2000 len 16 }
            exit mmio 0xFEC0_0000 size 0x1000 write { copy host hv.data + offset to guest 0x3000 len size }
          }
        }
        """

    static func model(scrub: Bool) -> String {
        model.replacingAll("SCRUB", with: scrub ? "on" : "off")
    }

    static let readHypervisor = Goal.read(.principal(.hypervisor))

    /// `off + len <= 0x1000` wraps at 2^64: off = −0x10, len = 0x20 pass the guard and
    /// the copy starts 16 bytes below hv.shared, in hv.data.
    @Test func aWrappingGuardIsFooledWithTheWrappingArguments() {
        let off: UInt64 = 0 &- 0x10  // 0xFFFF_FFFF_FFFF_FFF0
        let steps = [step(guest1, .hypercall(number: 1, arguments: [off, 0x20, 0x5000])),
                     step(guest1, .access(.read, gpa: 0x5000, hpa: 0x1000_5000, userMode: false))]
        let v = replay(Self.model(scrub: true), guest1, Self.readHypervisor, steps).validation
        #expect(v.isConfirmed, "\(v.text)")
        // The hypercall alone already deposits the bytes in guest1's readable memory.
        let alone = replay(Self.model(scrub: true), guest1, Self.readHypervisor, [steps[0]]).validation
        #expect(alone.isConfirmed, "\(alone.text)")
        // Arguments that do not wrap fail the guard.
        let honest = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                            [step(guest1, .hypercall(number: 1, arguments: [0x2000, 0x10, 0x5000]))])
        #expect(honest.validation.refutedStep == 0)
        #expect(honest.machine?.events.contains { $0.text.contains("stops: require (off + len) <= 0x1000 is false") } == true)
    }

    @Test func aHypercallWithoutHandlerOrFromTheWrongCallerIsRefuted() {
        let none = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                          [step(guest1, .hypercall(number: 9, arguments: []))]).validation
        #expect(none.refutedStep == 0 && none.text.contains("VMCALL 0x9 exits (reason 18), but the hypervisor has no handler"), "\(none.text)")
        let wrong = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                           [step(guest1, .hypercall(number: 2, arguments: []))]).validation
        #expect(wrong.text.contains("accepts only guest2"), "\(wrong.text)")
    }

    @Test func aReturnedValueIsObservedByTheCaller() throws {
        let (_, m) = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                            [step(guest1, .hypercall(number: 3, arguments: [0x1122_3344_5566_7788]))])
        let observation = try #require(m?.observations.first)
        #expect(observation.bytes == [0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11])
        #expect(observation.how == "the result of hypercall 0x3 \"echo\"")
    }

    @Test(arguments: [false, true])
    func aFreedPageKeepsItsSecretUnlessScrubbed(scrub: Bool) throws {
        let steps = [step(guest2, .hypercall(number: 2, arguments: [])),
                     step(guest1, .access(.read, gpa: 0x100_0000, hpa: 0x2000_0000, userMode: false))]
        let (v, m) = replay(Self.model(scrub: scrub), guest1, .read(.partition("guest2")), steps)
        #expect(v.isConfirmed == !scrub, "\(v.text)")
        #expect(m?.memory.read64(0x2000_0000) == (scrub ? 0 : m?.patterns.pattern(ofRegion: "g2.page")?.value))
        // The page left guest2's EPT.
        let gone = replay(Self.model(scrub: scrub), guest2, .read(.partition("guest2")),
                          [steps[0], step(guest2, .access(.read, gpa: 0, hpa: 0x2000_0000, userMode: false))]).validation
        #expect(gone.refutedStep == 1 && gone.text.contains("EPT violation"), "\(gone.text)")
    }

    /// XSA-239: an emulated IN returns three stale bytes of the hypervisor stack.
    @Test func anIOExitLeaksStaleStackBytes() {
        let v = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                       [step(guest1, .io(port: 0x80, size: 1, value: 0, write: false))]).validation
        #expect(v.isConfirmed, "\(v.text)")
        if case .confirmed(let evidence) = v { #expect(evidence.first?.hasPrefix("3 bytes of hv.stack appeared in what guest1 obtained by the result of exit io 0x80") == true, "\(evidence)") }
        // An OUT to the same port has no handler (the handler is for IN only).
        let out = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                         [step(guest1, .io(port: 0x80, size: 1, value: 0, write: true))]).validation
        #expect(out.text.contains("OUT 0x80 by guest1 exits (reason 30), but the hypervisor has no handler"), "\(out.text)")
    }

    /// XSA-108: an over-wide x2APIC MSR range indexes past the emulated state.
    @Test func anMSRExitReadsPastItsState() {
        let v = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                       [step(guest1, .msr(index: 0x8FF, value: 0, write: false))]).validation
        #expect(v.isConfirmed, "\(v.text)")
        let write = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                           [step(guest1, .msr(index: 0x8FF, value: 0, write: true))]).validation
        #expect(write.text.contains("WRMSR 0x8ff by guest1 exits (reason 32), but the hypervisor has no handler"), "\(write.text)")
    }

    @Test func cpuidAndMMIOExitsRunTheirHandlers() {
        let cpuid = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                           [step(guest1, .cpuid(leaf: 0, subleaf: 0))]).validation
        #expect(cpuid.isConfirmed, "\(cpuid.text)")
        let mmio = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                          [step(guest1, .mmio(gpa: 0xFEC0_0010, size: 4, value: 0, write: true))]).validation
        #expect(mmio.isConfirmed, "\(mmio.text)")
        let mapped = replay(Self.model(scrub: true), guest1, Self.readHypervisor,
                            [step(guest1, .mmio(gpa: 0x10, size: 4, value: 0, write: true))]).validation
        #expect(mapped.text.contains("is mapped for guest1"), "\(mapped.text)")
        let noCPUID = replay(Self.model(scrub: true).replacingAll("exit cpuid {", with: "exit io 0x81 {"), guest1, Self.readHypervisor,
                             [step(guest1, .cpuid(leaf: 0, subleaf: 0))]).validation
        #expect(noCPUID.text.contains("CPUID 0x0 by guest1 exits (reason 10), but the hypervisor has no handler"), "\(noCPUID.text)")
    }
}

extension String {
    func replacingAll(_ old: String, with new: String) -> String {
        components(separatedBy: old).joined(separator: new)
    }
}
