import Testing
@testable import Platform

@Suite("Validator")
struct ValidatorTests {
    // MARK: - Warnings: the model loads, and the warning says why

    @Test func userExecuteWithoutMBECIsIgnoredWithAWarning() throws {
        let outcome = Outcome(platform("partition g { map 0x0 size 4K -> 0x1000 rwxu }"))
        let p = try #require(outcome.platform)
        #expect(p.partitions[0].vtls[0].mappings[0].permissions.contains(.userExecute))
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.has(.warning, line: 2, column: 15, "user-execute 'u' is ignored because g.vtl0's VMCS does not enable mode-based execute control (secondary 'mode-based-execute')"))
    }

    @Test func devicesMayWriteUWithoutAWarning() throws {
        let outcome = Outcome(platform("partition g { }\ndevice d assigned g { map 0x0 size 4K -> 0x1000 rwxu }"))
        #expect(outcome.platform != nil && outcome.diagnostics.isEmpty)
    }

    @Test func mappingsWhileEPTIsOff() throws {
        let outcome = Outcome(platform("partition g {\n  vmcs { primary hlt-exiting }\n  map 0x0 size 4K -> 0x1000 rw\n}"))
        #expect(outcome.platform != nil)
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.has(.warning, line: 3, column: 3, "g.vtl0 declares EPT mappings but its VMCS does not enable EPT (secondary 'enable-ept' with primary 'activate-secondary-controls'): guest-physical addresses are host-physical"))
    }

    @Test func vmfuncAndShadowingWithoutTheirControls() throws {
        let outcome = Outcome(platform("partition g { vmcs {\n  vmfunc { g }\n  shadowing { vmread 0x4400 }\n} }"))
        #expect(outcome.platform != nil)
        #expect(outcome.diagnostics.map(\.severity) == [.warning, .warning])
        #expect(outcome.has(.warning, line: 3, column: 3, "an EPTP list is declared but secondary 'enable-vm-functions' is off; VMFUNC will exit to the hypervisor"))
        #expect(outcome.has(.warning, line: 4, column: 3, "VMREAD/VMWRITE bitmaps are declared but secondary 'vmcs-shadowing' is off; every VMREAD and VMWRITE exits"))
    }

    @Test func vmfuncAndShadowingOnACPUWithoutThem() {
        let outcome = Outcome(platform("cpu { vmfunc off vmcs-shadowing off }\npartition g { vmcs {\n  secondary enable-ept enable-vm-functions vmcs-shadowing\n  vmfunc { g }\n  shadowing { }\n} }"))
        #expect(outcome.has(line: 5, column: 3, "this CPU has no VM functions; expected 'vmfunc on' in the cpu block"))
        #expect(outcome.has(line: 6, column: 3, "this CPU has no VMCS shadowing; expected 'vmcs-shadowing on' in the cpu block"))
    }

    @Test func anEPTPListHoldsAtMost512Entries() {
        let entries = Array(repeating: "g", count: 513).joined(separator: " ")
        let outcome = Outcome(platform("partition g { vmcs { secondary enable-ept enable-vm-functions\n vmfunc { \(entries) } } }"))
        #expect(outcome.has(line: 3, column: 2, "an EPTP list holds at most 512 entries; found 513"))
    }

    @Test func openWithLockIsForcedClosedWithAWarning() throws {
        let outcome = Outcome(platform("region t 0x7F00_0000 size 8M kind smram\nsmm { smram t  open on }"))
        let smm = try #require(outcome.platform?.smm)
        #expect(!smm.open && smm.locked)
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.has(.warning, line: 3, column: 1, "'open on' with 'lock on': D_LCK forces D_OPEN to 0, so SMRAM starts closed"))
        let unlocked = Outcome(platform("region t 0x7F00_0000 size 8M kind smram\nsmm { smram t  open on  lock off }"))
        #expect(unlocked.platform?.smm?.open == true && unlocked.diagnostics.isEmpty)
    }

    @Test func warningsComeBackSortedWithThePlatform() throws {
        let (_, warnings) = try Platform.parse(platform("""
              partition b { map 0x0 size 4K -> 0x1000 u }
              partition a { map 0x0 size 4K -> 0x1000 u }
            """), file: "w.moat")
        #expect(warnings.map(\.location.line) == [2, 3])
        #expect(warnings.allSatisfy { $0.severity == .warning })
    }

    // MARK: - Principals

    @Test func dottedDeviceNamesArePrincipals() throws {
        let p = try #require(valid(platform("""
              region bar 0xF000_0000 size 4K owner pci.nic kind mmio
              partition g { }
              device pci.nic assigned g
              hypervisor { hypercall 1 from pci.nic { shutdown } }
            """, after: "property \"p\" { pci.nic cannot write g }\nproperty \"q\" { g cannot read pci.nic }")))
        #expect(p.regions[0].owner == .device("pci.nic"))
        #expect(p.hypervisor.handlers[0].callers == [.device("pci.nic")])
        #expect(p.properties.map(\.attacker) == [.device("pci.nic"), .vtl(partition: "g", level: 0)])
        #expect(p.properties[1].goal == .read(.principal(.device("pci.nic"))))
    }

    @Test func aDeviceHasNoVTLs() {
        let outcome = Outcome(platform("partition g { }\ndevice nic assigned g", after: "property \"p\" { nic.vtl0 cannot dos }"))
        #expect(outcome.has(line: 5, column: 16, "unknown principal 'nic.vtl0' as the attacker of \"p\""))
    }

    @Test func suggestions() {
        #expect(suggestion("gest", among: ["guest", "hypervisor"]) == " (did you mean 'guest'?)")
        #expect(suggestion("zzzzzz", among: ["guest", "hypervisor"]) == "")
        #expect(suggestion("ab", among: ["ba", "ab1"]) == " (did you mean 'ab1'?)")
        #expect(editDistance("kitten", "sitting") == 3)
        #expect(editDistance("", "abc") == 3 && editDistance("abc", "") == 3 && editDistance("same", "same") == 0)
    }

    // MARK: - Partition-level VMCS

    @Test func anInheritedVMCSIsCheckedOnce() {
        let outcome = Outcome(platform("partition g {\n vmcs { primary bogus }\n vtl 0 { }\n vtl 1 { }\n}"))
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.has(line: 3, column: 17, "unknown primary control 'bogus'"))
    }

    @Test func aPartitionLevelVMCSIsCheckedEvenWhenNoVTLInheritsIt() {
        let outcome = Outcome(platform("partition g {\n vmcs { primary bogus }\n vtl 0 { vmcs { } }\n}"))
        #expect(outcome.diagnostics.count == 1)
        #expect(outcome.has(line: 3, column: 17, "unknown primary control 'bogus'"))
    }

    @Test func aVTLBlockMayNotHaveTwoVMCSBlocks() {
        let outcome = Outcome(platform("partition g { vtl 0 {\n vmcs { }\n vmcs { }\n} }"))
        #expect(outcome.has(line: 4, column: 2, "a second 'vmcs' block; each VTL has one VMCS"))
    }

    @Test func partitionLevelEPTWithVTLBlocks() {
        let outcome = Outcome(platform("region e 0x1000 size 4K kind page-tables\npartition g {\n ept in e\n vtl 0 { }\n}"))
        #expect(outcome.has(line: 4, column: 9, "partition 'g' has VTL blocks and each VTL has its own EPT; expected 'ept in …' inside a VTL block"))
    }

    @Test func protectionOfAMissingVTL() {
        // 'protect vtl 0' inside VTL 1 of a partition whose VTL 0 is missing: two errors.
        let outcome = Outcome(platform("partition g { vtl 1 { protect vtl 0 0x0 size 4K r } }"))
        #expect(outcome.has(line: 2, column: 1, "partition 'g' has no VTL 0; expected a 'vtl 0 { … }' block"))
        #expect(outcome.has(line: 2, column: 23, "partition 'g' has no VTL 0 to protect"))
    }

    @Test func hvciIsRecordedNotEnforced() throws {
        let p = try #require(valid(platform("partition g { hvci on  map 0x0 size 4K -> 0x1000 rwx }")))
        #expect(p.partitions[0].hvci)
    }

    @Test func handlerRightsWithWriteButNoRead() {
        let outcome = Outcome(hypercall("map guest a size 4K -> host b w\n    set-protection g guest a size b wx"))
        #expect(outcome.has(line: 6, column: 5, "rights '-w--' grant write without read: an EPT misconfiguration; expected read with write"))
        #expect(outcome.has(line: 7, column: 5, "rights '-wx-' grant write without read, which EPT cannot express; expected read with write"))
    }

    @Test func regionsUsedByHandlersMustExist() {
        let outcome = Outcome(hypercall("give nowhere to g at a\n    leak-uninitialised from stak len 8 to result", extra: "region stack 0x9000 size 4K kind stack"))
        #expect(outcome.has(line: 6, column: 10, "unknown region 'nowhere' as a region used by hypercall 0x1 \"h\"; expected a declared region"))
        #expect(outcome.has(line: 7, column: 29, "unknown region 'stak' as a region used by hypercall 0x1 \"h\"; expected a declared region (did you mean 'stack'?)"))
    }
}
