import Platform
import SMT
import Testing

@testable import Checker

@Suite struct DirectReachabilityTests {
    @Test func isolatedGuestsAreProvedWithTheirMappingAsTheBlockingFact() throws {
        let p = try platform(twoGuests(properties: """
            property "r" { guest1 cannot read guest2 }
            property "w" { guest1 cannot write hypervisor }
            """))
        let read = try #require(verdict(p, "r")?.certificate)
        #expect(read.blockingFacts.contains { $0.contains("guest1 maps guest-physical [0x0, 0x100000)") })
        #expect(read.blockingFacts.contains { $0.contains("region 'g2.ram'") })
        #expect(read.recheckQueries >= 1)
        #expect(verdict(p, "w")?.certificate != nil)
    }

    @Test func aStrayMappingGivesAConcreteOneStepAttack() throws {
        let p = try platform(twoGuests(guest1Maps: "map 0x0 size 1M -> g1.ram rwx  map 0x4000_0000 size 8K -> g2.ram + 0x2000 r", properties: """
            property "r" { guest1 cannot read guest2 }
            property "w" { guest1 cannot write guest2 }
            """))
        let trace = try #require(verdict(p, "r")?.trace)
        #expect(trace.steps == [Step(actor: .partition("guest1"), action: .access(.read, gpa: 0x4000_0000, hpa: 0x200_2000, userMode: false))])
        // The stray mapping is read-only, so writing is still blocked, by that very right.
        let write = try #require(verdict(p, "w")?.certificate)
        #expect(write.blockingFacts.contains { $0.contains("does not grant write") })
    }

    @Test func writeWithoutReadIsRejectedBeforeTheChecker() {
        #expect(throws: ModelError.self) {
            try Platform.parse(twoGuests(guest1Maps: "map 0x0 size 1M -> g2.ram -w-", properties: ""), file: "t.moat")
        }
    }

    @Test(arguments: [
        // (right in the VTL1 protection of VTL0's view, can VTL0 write the secure kernel's page?)
        ("rw", true), ("r", false), ("none", false),
    ])
    func vtl1ProtectionsRestrictVTL0(rights: String, writable: Bool) throws {
        let p = try platform("""
            platform "vbs" {
              region root.ram 0x100_0000 size 1M owner root
              region sk.ram   0x200_0000 size 1M owner root.vtl1 secret
              partition root kind root {
                vtl 0 { map 0x0 size 1M -> root.ram rwx  map 0x10_0000 size 4K -> sk.ram rw }
                vtl 1 { map 0x0 size 1M -> root.ram rw  map 0x10_0000 size 1M -> sk.ram rwx
                        protect vtl 0 0x10_0000 size 4K \(rights) }
              }
            }
            property "w" { root.vtl0 cannot write root.vtl1 }
            """)
        let v = try #require(verdict(p, "w"))
        #expect((v.trace != nil) == writable)
        if !writable {
            #expect(v.certificate?.blockingFacts.contains { $0.contains("a higher VTL restricts") } == true)
        }
    }

    @Test func hvciSelfExecNeedsAPageBothWritableAndExecutable() throws {
        let wx = try platform("""
            platform "hvci" {
              region k.ram 0x100_0000 size 1M owner root
              partition root kind root { hvci on  vtl 0 { map 0x0 size 1M -> k.ram rwx } }
            }
            property "ci" { root.vtl0 cannot exec root.vtl0 }
            """)
        #expect(verdict(wx, "ci")?.trace?.steps.count == 2)
        let split = try platform("""
            platform "hvci" {
              region k.code 0x100_0000 size 1M owner root kind code
              region k.data 0x200_0000 size 1M owner root
              partition root kind root { hvci on  vtl 0 { map 0x0 size 1M -> k.code r-x  map 0x10_0000 size 1M -> k.data rw } }
            }
            property "ci" { root.vtl0 cannot exec root.vtl0 }
            """)
        #expect(verdict(split, "ci")?.certificate != nil)
    }

    @Test(arguments: [true, false])
    func mbecDecidesWhetherUserExecuteCounts(mbec: Bool) throws {
        // guest2 can execute the shared page only as user-mode code ("u"); guest1 writes it.
        let vmcs = mbec ? "vmcs { secondary enable-ept mode-based-execute }" : ""
        let p = try platform("""
            platform "mbec" {
              region shared 0x100_0000 size 4K owner guest1
              region g2.ram 0x200_0000 size 1M owner guest2
              partition guest1 { map 0x0 size 4K -> shared rw }
              partition guest2 { \(vmcs) map 0x0 size 1M -> g2.ram rwx  map 0x10_0000 size 4K -> shared r--u }
            }
            property "x" { guest1 cannot exec guest2 }
            """)
        let v = try #require(verdict(p, "x"))
        if mbec {
            let trace = try #require(v.trace)
            #expect(trace.steps.last == Step(actor: .partition("guest2"), action: .access(.execute, gpa: 0x10_0000, hpa: 0x100_0000, userMode: true)))
        } else {
            #expect(v.certificate != nil)
        }
    }

    @Test func dmaWithoutAnIOMMUReachesTheHypervisorAndWithOneItDoesNot() throws {
        let open = try platform(twoGuests(extra: "device nic assigned guest1 iommu off", properties: #"property "w" { guest1 cannot write hypervisor }"#))
        let trace = try #require(verdict(open, "w")?.trace)
        guard case .dma(.write, let address, let hpa) = trace.steps.first?.action else {
            Issue.record("expected a DMA step, got \(trace.steps)")
            return
        }
        #expect(address == hpa)
        #expect(open.region(containing: hpa)?.owner == .hypervisor)
        let confined = try platform(twoGuests(extra: "device nic assigned guest1 { map 0x0 size 1M -> g1.ram rw }", properties: #"property "w" { guest1 cannot write hypervisor }"#))
        #expect(verdict(confined, "w")?.certificate != nil)
    }

    @Test(arguments: [
        // (smrr, lock, open) → can the guest read SMRAM through a mapping of it?
        ("on", "on", "off", false), ("off", "off", "on", true), ("off", "on", "off", false), ("on", "off", "on", false),
    ])
    func smramIsReachableOnlyWhenOpenUnlockedAndOutsideSMRR(smrr: String, lock: String, open: String, reachable: Bool) throws {
        let p = try platform("""
            platform "smm" {
              region g1.ram 0x100_0000 size 1M owner guest1
              region smram  0x7F00_0000 size 1M owner smm kind smram
              smm { smram smram smrr \(smrr) lock \(lock) open \(open) }
              partition guest1 { map 0x0 size 1M -> g1.ram rwx  map 0x1000_0000 size 1M -> smram rw }
            }
            property "r" { guest1 cannot read smm }
            """)
        let v = try #require(verdict(p, "r"))
        #expect((v.trace != nil) == reachable, "\(v)")
    }

    @Test func eptOffMeansGuestPhysicalIsHostPhysical() throws {
        let p = try platform(twoGuests(guest1Maps: "vmcs { secondary none } map 0x0 size 1M -> g1.ram rwx", properties: #"property "r" { guest1 cannot read hypervisor }"#))
        let trace = try #require(verdict(p, "r")?.trace)
        guard case .access(.read, let gpa, let hpa, _) = trace.steps.first?.action else { return }
        #expect(gpa == hpa)
    }

    @Test func aGuestThatCanWriteItsOwnEPTRemapsItAndReadsAnotherGuest() throws {
        // The five table pages (root, PDPT, PD, the page tables of 0x0 and 0x20_0000), all mapped:
        // the leaf of guest-physical 0 lies in the fourth (EPTTableLayout).
        let p = try platform(twoGuests(guest1Maps: "ept in g1.ept  map 0x0 size 1M -> g1.ram rwx  map 0x20_0000 size 20K -> g1.ept rw",
                                       extra: "region g1.ept 0x300_0000 size 20K owner hypervisor kind page-tables",
                                       properties: #"property "r" { guest1 cannot read guest2 }"#))
        let trace = try #require(verdict(p, "r")?.trace)
        #expect(trace.steps == [
            Step(actor: .partition("guest1"), action: .remap(target: .partition("guest1"), gpa: 0, hpa: 0x200_0000, permissions: [.read, .write, .execute])),
            Step(actor: .partition("guest1"), action: .access(.read, gpa: 0, hpa: 0x200_0000, userMode: false)),
        ])
    }

    @Test func aWritableVMCSIsNotCalledProved() throws {
        let p = try platform(twoGuests(guest1Maps: "vmcs in g1.vmcs { }  map 0x0 size 1M -> g1.ram rwx  map 0x20_0000 size 4K -> g1.vmcs rw",
                                       extra: "region g1.vmcs 0x300_0000 size 4K owner hypervisor kind vmcs",
                                       properties: #"property "r" { guest1 cannot read guest2 }"#))
        let reason = try #require(verdict(p, "r")?.reason)
        #expect(reason.contains("can write region 'g1.vmcs' (kind vmcs)"))
    }

    @Test func denialOfServiceWithoutAnyMeansIsProved() throws {
        let p = try platform(twoGuests(properties: #"property "d" { guest1 cannot dos }"#))
        let certificate = try #require(verdict(p, "d")?.certificate)
        #expect(certificate.blockingFacts.contains("no move shuts the platform down"))
    }

    @Test func aCertificateMissingAFactDoesNotRecheck() throws {
        let p = try platform(twoGuests(properties: #"property "r" { guest1 cannot read guest2 }"#))
        let property = p.properties[0]
        let search = DirectReachability(platform: p, capabilities: Capabilities(platform: p), options: CheckOptions())
        let full = try search.build(property, in: try SMT.Context(), only: nil)
        guard case .unsat(let core) = full.solver.check(assuming: full.facts.literals) else {
            Issue.record("expected unsat")
            return
        }
        let facts = full.facts.indices(of: core)
        let good = try search.build(property, in: try SMT.Context(), only: Set(facts))
        #expect(good.solver.check(assuming: good.facts.literals).isUnsat)
        // Drop the fact that pins guest1's mapping: the attacker's path is then unconstrained.
        let mappingFact = try #require(facts.first { full.facts.facts[$0].text.contains("maps guest-physical") })
        let mutated = try search.build(property, in: try SMT.Context(), only: Set(facts).subtracting([mappingFact]))
        #expect(mutated.solver.check(assuming: mutated.facts.literals).isSat)
    }
}

@Suite struct ExitHandlerTests {
    @Test func aCPUIDExitHandlerThatLeaksIsTheKeyStep() throws {
        let p = try platform("""
            platform "cpuid" {
              region hv.stack 0x10_0000 size 64K owner hypervisor kind stack secret
              region g1.ram   0x100_0000 size 1M owner guest1
              hypervisor {
                exit cpuid "leaky" {
                  require leaf == 0x4000_0010
                  leak-uninitialised from hv.stack len 8 to result
                }
              }
              partition guest1 { map 0x0 size 1M -> g1.ram rwx }
            }
            property "r" { guest1 cannot read hypervisor }
            """)
        let trace = try #require(verdict(p, "r")?.trace)
        guard case .cpuid(let leaf, _) = trace.steps.last?.action else {
            Issue.record("expected a CPUID step, got \(trace.steps)")
            return
        }
        #expect(leaf == 0x4000_0010)
        #expect(trace.steps.count == 1)
    }

    @Test func theSameHandlerBehindAnUnsatisfiableGuardIsProved() throws {
        let p = try platform("""
            platform "cpuid" {
              region hv.stack 0x10_0000 size 64K owner hypervisor kind stack secret
              region g1.ram   0x100_0000 size 1M owner guest1
              hypervisor {
                exit cpuid { require leaf > 0xFFFF_FFFF  leak-uninitialised from hv.stack len 8 to result }
              }
              partition guest1 { map 0x0 size 1M -> g1.ram rwx }
            }
            property "r" { guest1 cannot read hypervisor }
            """)
        let certificate = try #require(verdict(p, "r")?.certificate)
        #expect(certificate.blockingFacts.contains { $0.contains("exit cpuid: no arguments pass its guards") })
    }
}
