import Platform
import Testing
@testable import Machine

/// SMRAM, its locks and SMRR, software SMIs, and DMA (DOMAIN.md §5).
@Suite("Replay: SMM and DMA")
struct ReplaySMMTests {
    static let root = Principal.partition("root")

    static func model(smrr: Bool = true, lock: Bool = true, tseg: Bool = true, codeCheck: Bool = true,
                      passB2: Bool = true) -> String {
        """
        platform "smm" {
          region hv.code  0x0010_0000 size 1M  owner hypervisor kind code
          region comm     0x7E00_0000 size 4K  owner none kind comm-buffer
          region smram    0x7F00_0000 size 1M  owner smm kind smram
          region root.ram 0x1000_0000 size 16M owner root kind ram
          region nic.ram  0x3000_0000 size 4K  owner root kind ram
          partition root kind root {
            map 0x0 size 16M -> root.ram rwx
            map 0x7E00_0000 size 4K -> comm rw
            map 0x7F00_0000 size 1M -> smram rwx
            vmcs { io pass \(passB2 ? "0xB2 " : "")0xCF8..0xCFF  msr pass 0x200..0x201 0x1F2..0x1F3 }
          }
          smm {
            smram smram
            smrr \(smrr ? "on" : "off")  lock \(lock ? "on" : "off")  tseg-dma-protection \(tseg ? "on" : "off")  code-check \(codeCheck ? "on" : "off")
            smi 0x01 "thinkpwn" comm comm (fn) { call fn }
          }
          device dma0 assigned root iommu off
          device dma1 assigned root { map 0x0 size 4K -> nic.ram rw }
        }
        """
    }

    static let entry: UInt64 = 0x7F00_8000
    static let openSMRAM: [Step] = [
        step(root, .io(port: 0xCF8, size: 4, value: Layout.smramcConfigAddress, write: true)),
        step(root, .io(port: 0xCFC, size: 4, value: Layout.smramcOpenValue, write: true)),
    ]
    static let plantAndTrigger: [Step] = [
        step(root, .access(.write, gpa: entry, hpa: entry, userMode: false)),
        step(root, .smi(number: 0x02, arguments: [])),  // no handler: SMM runs only its entry point
    ]

    @Test func smrrMakesSMRAMReadAllOnesOutsideSMM() throws {
        let (v, m) = replay(Self.model(), Self.root, .read(.principal(.smm)),
                            [step(Self.root, .access(.read, gpa: 0x7F00_0000, hpa: 0x7F00_0000, userMode: false))])
        #expect(v.refutedStep == 0 && v.text.contains("inside SMRR: outside SMM reads return all-ones"), "\(v.text)")
        let machine = try #require(m)
        #expect(machine.readPhysical(0x7F00_0000, count: 8, agent: .cpu).bytes == [UInt8](repeating: 0xFF, count: 8))
        #expect(machine.readPhysical(0x7F00_0000, count: 8, agent: .smm).bytes != [UInt8](repeating: 0xFF, count: 8))
    }

    @Test func theSMRRMSRsAreOutOfReachOutsideSMM() {
        let v = replay(Self.model(), Self.root, .dos, [step(Self.root, .msr(index: 0x1F3, value: 0, write: true))]).validation
        #expect(v.text.contains("raises #GP: the SMRR MSRs are accessible only in SMM"), "\(v.text)")
    }

    /// Duflot 2006: with D_LCK clear, ring 0 sets D_OPEN, writes SMRAM and triggers an SMI.
    @Test func anUnlockedSMRAMCanBeOpenedAndPlanted() {
        let model = Self.model(smrr: false, lock: false)
        let (v, m) = replay(model, Self.root, .exec(.principal(.smm)), Self.openSMRAM + Self.plantAndTrigger)
        #expect(v.isConfirmed, "\(v.text)")
        #expect(m?.chipset.isOpen == true)
        if case .confirmed(let evidence) = v { #expect(evidence.contains { $0.contains("smm executed bytes root wrote at 0x7f008000") }, "\(evidence)") }
        // Without opening, the write does not land.
        let closed = replay(model, Self.root, .exec(.principal(.smm)), Self.plantAndTrigger).validation
        #expect(closed.refutedStep == 0 && closed.text.contains("closed to accesses outside SMM (SMRAMC D_OPEN clear)"), "\(closed.text)")
    }

    @Test func dLockForcesDOpenToZeroAndFreezesSMRAMC() throws {
        let model = Self.model(smrr: false, lock: false)
        let lock = [step(Self.root, .io(port: 0xCF8, size: 4, value: Layout.smramcConfigAddress, write: true)),
                    step(Self.root, .io(port: 0xCFD, size: 1, value: 0x5A, write: true))]  // D_OPEN | D_LCK | G_SMRAME | 010
        let (_, m) = replay(model, Self.root, .dos, lock + Self.openSMRAM)
        let machine = try #require(m)
        #expect(machine.chipset.isLocked && !machine.chipset.isOpen)
        #expect(machine.chipset.smramc == 0x1A)
        let locked = replay(Self.model(smrr: false, lock: true), Self.root, .exec(.principal(.smm)),
                            Self.openSMRAM + Self.plantAndTrigger).validation
        #expect(locked.refutedStep == 2, "\(locked.text)")
    }

    static let poison: [Step] = [
        step(root, .msr(index: 0x200, value: 0x7F00_0000 | 6, write: true)),
        step(root, .msr(index: 0x201, value: 0x3FFF_FFF0_0000 | 0x800, write: true)),
    ]

    /// Wojtczuk & Rutkowska 2009: without SMRR, write-back MTRRs let ring-0 writes land in SMRAM.
    @Test func cachePoisoningWithoutSMRR() throws {
        let (v, m) = replay(Self.model(smrr: false), Self.root, .exec(.principal(.smm)), Self.poison + Self.plantAndTrigger)
        #expect(v.isConfirmed, "\(v.text)")
        #expect(m?.memoryType(Self.entry) == 6)
        let withSMRR = replay(Self.model(smrr: true), Self.root, .exec(.principal(.smm)), Self.poison + Self.plantAndTrigger).validation
        #expect(withSMRR.refutedStep == 2 && withSMRR.text.contains("inside SMRR: outside SMM writes are dropped"), "\(withSMRR.text)")
    }

    static let thinkPwn: [Step] = [
        step(root, .access(.write, gpa: 0x5000, hpa: 0x1000_5000, userMode: false)),
        step(root, .smi(number: 0x01, arguments: [0x1000_5000])),
    ]

    /// ThinkPwn: SMM calls a pointer from the comm buffer; SMM_CODE_CHK_EN turns it into a machine check.
    @Test func anSMMCallOutRunsAttackerCodeUnlessCodeCheckIsOn() {
        let open = replay(Self.model(codeCheck: false), Self.root, .exec(.principal(.smm)), Self.thinkPwn).validation
        #expect(open.isConfirmed, "\(open.text)")
        let checked = replay(Self.model(codeCheck: true), Self.root, .exec(.principal(.smm)), Self.thinkPwn).validation
        #expect(checked.refutedStep == 1, "\(checked.text)")
        let dos = replay(Self.model(codeCheck: true), Self.root, .dos, Self.thinkPwn).validation
        #expect(dos.isConfirmed && dos.text.contains("SMM_CODE_CHK_EN"), "\(dos.text)")
    }

    @Test func anSMIThatExitsNeverReachesSMM() {
        let v = replay(Self.model(passB2: false), Self.root, .exec(.principal(.smm)), Self.thinkPwn).validation
        #expect(v.refutedStep == 1 && v.text.contains("OUT 0xB2 by root exits to the hypervisor"), "\(v.text)")
        // A native OUT to 0xB2 raises the SMI too.
        let (_, m) = replay(Self.model(), Self.root, .dos, [step(Self.root, .io(port: 0xB2, size: 1, value: 0x01, write: true))])
        #expect(m?.events.contains { $0.text.contains("SMI 0x1: the processor enters SMM (no VM exit)") } == true)
    }

    @Test(arguments: [true, false])
    func tsegKeepsDMAOutOfSMRAM(tseg: Bool) {
        let v = replay(Self.model(tseg: tseg), Self.root, .read(.principal(.smm)),
                       [step(.device("dma0"), .dma(.read, address: 0x7F00_0000, hpa: 0x7F00_0000))]).validation
        #expect(v.isConfirmed == !tseg, "\(v.text)")
        if tseg { #expect(v.text.contains("TSEG protection blocks DMA into SMRAM")) }
    }

    @Test func dmaGoesThroughTheIOMMUTables() {
        let mapped = replay(Self.model(), Self.root, .write(.region("nic.ram")),
                            [step(.device("dma1"), .dma(.write, address: 0x10, hpa: 0x3000_0010))]).validation
        #expect(mapped.isConfirmed, "\(mapped.text)")
        let unmapped = replay(Self.model(), Self.root, .read(.principal(.hypervisor)),
                              [step(.device("dma1"), .dma(.read, address: 0x1000, hpa: 0x0010_0000))]).validation
        #expect(unmapped.text.contains("the IOMMU tables of 'dma1' gives an EPT violation"), "\(unmapped.text)")
        let anywhere = replay(Self.model(), Self.root, .read(.principal(.hypervisor)),
                              [step(.device("dma0"), .dma(.read, address: 0x0010_0000, hpa: 0x0010_0000))]).validation
        #expect(anywhere.isConfirmed, "\(anywhere.text)")
    }
}
