import Platform
import Testing
@testable import Machine

/// VTLs, VMFUNC, VMCS shadowing, re-entry and the page-size-change erratum.
@Suite("Replay: VTLs and VMX")
struct ReplayVMXTests {
    static let vtl0 = Principal.vtl(partition: "root", level: 0)
    static let vtl1 = Principal.vtl(partition: "root", level: 1)

    static func model(errata: String = "", vmfunc: Bool = true, loadArea: String = "0x10 = 0") -> String {
        """
        platform "vbs" {
          cpu { \(errata) }
          region hv.code   0x0010_0000 size 1M  owner hypervisor kind code
          region hv.data   0x0020_0000 size 2M  owner hypervisor kind data secret
          region eptp.list 0x0060_0000 size 4K  owner hypervisor kind eptp-list
          region vmw.bmp   0x0061_0000 size 4K  owner hypervisor kind vmcs-bitmap
          region vmr.bmp   0x0062_0000 size 4K  owner hypervisor kind vmcs-bitmap
          region msr.load  0x0063_0000 size 4K  owner hypervisor kind msr-area
          region root.ram  0x1000_0000 size 16M owner root kind ram
          region sk.ram    0x2000_0000 size 4M  owner root.vtl1 kind ram secret
          partition root kind root {
            vtl 0 {
              map 0x0 size 16M -> root.ram rwx
              map 0x0200_0000 size 4K -> root.ram + 0x20_0000 ru
              vmcs {
                secondary enable-ept enable-vpid unrestricted-guest \(vmfunc ? "enable-vm-functions " : "")vmcs-shadowing mode-based-execute
                vmfunc eptp-list in eptp.list { root.vtl0 root.vtl1 }
                shadowing vmread-bitmap in vmr.bmp vmwrite-bitmap in vmw.bmp { vmwrite 0x201A }
                msr-load entry in msr.load { \(loadArea) }
              }
            }
            vtl 1 {
              map 0x0 size 16M -> root.ram rwx
              map 0x0100_0000 size 4M -> sk.ram rwx page 2M
              protect vtl 0 0x5000 size 4K r--
            }
          }
          hypervisor {
            hypercall 0xC "modify_vtl_protection" (gpa, rights) {
              if rights == 3 { set-protection root.vtl0 guest gpa size 0x1000 rw-- } else { set-protection root.vtl0 guest gpa size 0x1000 r--- }
            }
          }
        }
        """
    }

    static let writeRAM = Goal.write(.region("root.ram"))

    static func write(_ gpa: UInt64) -> Step { step(vtl0, .access(.write, gpa: gpa, hpa: 0x1000_0000 + gpa, userMode: false)) }

    @Test func aDeclaredProtectionRestrictsTheLowerVTL() {
        let v = replay(Self.model(), Self.vtl0, Self.writeRAM, [Self.write(0x5000)]).validation
        #expect(v.refutedStep == 0 && v.text.contains("EPT violation"), "\(v.text)")
        let other = replay(Self.model(), Self.vtl0, Self.writeRAM, [Self.write(0x6000)]).validation
        #expect(other.isConfirmed, "\(other.text)")
    }

    @Test func setProtectionIsAcceptedFromVTL1AndRefusedFromVTL0() {
        let fromVTL1 = replay(Self.model(), Self.vtl0, Self.writeRAM,
                              [step(Self.vtl1, .hypercall(number: 0xC, arguments: [0x6000, 1])), Self.write(0x6000)]).validation
        #expect(fromVTL1.refutedStep == 1 && fromVTL1.text.contains("EPT violation"), "\(fromVTL1.text)")
        let (v, m) = replay(Self.model(), Self.vtl0, Self.writeRAM,
                            [step(Self.vtl0, .hypercall(number: 0xC, arguments: [0x6000, 1])), Self.write(0x6000)])
        #expect(v.isConfirmed, "\(v.text)")
        #expect(m?.events.contains { $0.text.contains("set-protection of root.vtl0 by root.vtl0 is refused") } == true)
        // A new mask replaces the old one on its range.
        let lifted = replay(Self.model(), Self.vtl0, Self.writeRAM,
                            [step(Self.vtl1, .hypercall(number: 0xC, arguments: [0x5000, 3])), Self.write(0x5000)]).validation
        #expect(lifted.isConfirmed, "\(lifted.text)")
    }

    @Test func mbecSelectsUserExecuteFromTheGuestPage() {
        let user = replay(Self.model(), Self.vtl0, .dos,
                          [step(Self.vtl0, .access(.execute, gpa: 0x200_0000, hpa: 0x1020_0000, userMode: true))]).validation
        #expect(user.text.contains("did not shut down"), "\(user.text)")
        let supervisor = replay(Self.model(), Self.vtl0, .dos,
                                [step(Self.vtl0, .access(.execute, gpa: 0x200_0000, hpa: 0x1020_0000, userMode: false))]).validation
        #expect(supervisor.text.contains("EPT violation (exit 48, qualification 0x"), "\(supervisor.text)")
    }

    /// Code integrity: running self-written code counts only in kernel mode.
    @Test func selfWrittenCodeInKernelModeBreaksCodeIntegrity() {
        let kernel = replay(Self.model(), Self.vtl0, .exec(.principal(Self.vtl0)),
                            [Self.write(0x7000), step(Self.vtl0, .access(.execute, gpa: 0x7000, hpa: 0x1000_7000, userMode: false))]).validation
        #expect(kernel.isConfirmed, "\(kernel.text)")
        let user = replay(Self.model(), Self.vtl0, .exec(.principal(Self.vtl0)),
                          [Self.write(0x7000), step(Self.vtl0, .access(.execute, gpa: 0x7000, hpa: 0x1000_7000, userMode: true))]).validation
        #expect(user.refutedStep == 1, "\(user.text)")
    }

    @Test func vmfuncSwitchesToTheSecureKernelsEPT() {
        let steps = [step(Self.vtl0, .vmfunc(index: 1)),
                     step(Self.vtl0, .access(.read, gpa: 0x0100_0000, hpa: 0x2000_0000, userMode: false))]
        let v = replay(Self.model(), Self.vtl0, .read(.principal(Self.vtl1)), steps).validation
        #expect(v.isConfirmed, "\(v.text)")
        let invalid = replay(Self.model(), Self.vtl0, .read(.principal(Self.vtl1)), [step(Self.vtl0, .vmfunc(index: 5))]).validation
        #expect(invalid.text.contains("exits (reason 59): the list entry 0x0"), "\(invalid.text)")
        let disabled = replay(Self.model(vmfunc: false), Self.vtl0, .read(.principal(Self.vtl1)), steps).validation
        #expect(disabled.refutedStep == 0 && disabled.text.contains("raises #UD"), "\(disabled.text)")
        let before = replay(Self.model(), Self.vtl0, .read(.principal(Self.vtl1)), [steps[1]]).validation
        #expect(before.refutedStep == 0, "\(before.text)")
    }

    /// VTL0 builds EPT tables in its own RAM, writes their EPTP through the shadow VMCS
    /// (0x201A passes through the VMWRITE bitmap) and is re-entered on them.
    @Test func aPassThroughEPTPWriteTakesEffectAtReentry() {
        let tables: [(gpa: UInt64, value: UInt64)] = [
            (0x10_0000, 0x1010_1000 | 7),  // PML4E 0 → PDPT
            (0x10_1000, 0x1010_2000 | 7),  // PDPTE 0 → PD
            (0x10_2000, 0x0020_0000 | 0x80 | 6 << 3 | 7),  // PDE 0: 2-MiB leaf on hv.data, WB, rwx
        ]
        var steps = tables.map { step(Self.vtl0, .store(gpa: $0.gpa, hpa: 0x1000_0000 + $0.gpa, value: $0.value)) }
        steps += [step(Self.vtl0, .vmwrite(field: 0x201A, value: Layout.eptp(root: 0x1010_0000))),
                  step(Self.vtl0, .reenter),
                  step(Self.vtl0, .access(.read, gpa: 0x1000, hpa: 0x0020_1000, userMode: false))]
        let (v, m) = replay(Self.model(), Self.vtl0, .read(.principal(.hypervisor)), steps)
        #expect(v.isConfirmed, "\(v.text)")
        #expect(m?.events.contains { $0.text.contains("copies 0x201A EPT pointer = 0x1010001e from the shadow VMCS") } == true)
        let blocked = replay(Self.model(), Self.vtl0, .read(.principal(.hypervisor)),
                             [step(Self.vtl0, .vmwrite(field: 0x2000, value: 0))]).validation
        #expect(blocked.text.contains("exits (reason 25): its VMWRITE-bitmap bit is set"), "\(blocked.text)")
    }

    @Test func reentryLoadsTheMSRLoadArea() {
        let fine = replay(Self.model(), Self.vtl0, .dos, [step(Self.vtl0, .reenter)])
        #expect(fine.machine?.events.contains { $0.text == "VM entry of root.vtl0 succeeds" } == true, "\(fine.validation.text)")
        // SKL031: a non-existent MSR in the load area shuts the platform down.
        let skl031 = replay(Self.model(errata: "erratum skl031", loadArea: "0x0BAD0000"), Self.vtl0, .dos, [step(Self.vtl0, .reenter)]).validation
        #expect(skl031.isConfirmed && skl031.text.contains("SKL031"), "\(skl031.text)")
        // Without the erratum the entry fails with exit 0x80000022.
        let failure = replay(Self.model(loadArea: "0x0BAD0000"), Self.vtl0, .dos, [step(Self.vtl0, .reenter)]).validation
        #expect(failure.refutedStep == 0 && failure.text.contains("0x80000022 (MSR loading), qualification 1"), "\(failure.text)")
    }

    /// XSA-304: a page-size change under an executable 2-MiB EPT leaf is a machine check.
    @Test func flippingThePageSizeUnderAnExecutableSuperpage() {
        let flip = [step(Self.vtl1, .flipPageSize(gpa: 0x0100_0000))]
        let mce = replay(Self.model(errata: "erratum page-size-change-mce"), Self.vtl1, .dos, flip).validation
        #expect(mce.isConfirmed && mce.text.contains("XSA-304"), "\(mce.text)")
        let fixed = replay(Self.model(), Self.vtl1, .dos, flip).validation
        #expect(fixed.text.contains("no machine check: the CPU does not have the page-size-change erratum"), "\(fixed.text)")
        let small = replay(Self.model(errata: "erratum page-size-change-mce"), Self.vtl0, .dos,
                           [step(Self.vtl0, .flipPageSize(gpa: 0x5000))]).validation
        #expect(small.text.contains("no machine check: 0x5000 is not backed by an executable 2-MiB or 1-GiB EPT leaf"), "\(small.text)")
    }
}
