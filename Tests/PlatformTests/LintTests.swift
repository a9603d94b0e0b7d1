import Testing

@testable import Platform

/// Every lint rule fires on a model made to trigger it, at the right place, and the VBS
/// baseline — a configuration that gets every setting right — has no finding at all.
@Suite struct LintTests {
    /// A small, clean platform; each case below breaks one thing in it.
    static func model(smm: String = "smram smram", hypervisor: String = "", guest: String = "map 0x0 size 16M -> g1.ram rwx",
                      root: String = "vtl 0 { map 0x0 size 16M -> k.ram rw }", device: String = "", cpu: String = "") -> String {
        """
        platform "lint" {
          \(cpu)
          region hv.code   0x0010_0000 size 1M  owner hypervisor kind code
          region g1.ept    0x0050_0000 size 64K owner hypervisor kind page-tables
          region g1.vmcs   0x0052_0000 size 4K  owner hypervisor kind vmcs
          region g1.list   0x0053_0000 size 4K  owner hypervisor kind eptp-list
          region nic.iommu 0x0054_0000 size 64K owner hypervisor kind iommu-tables
          region g1.ram    0x1000_0000 size 16M owner guest1
          region k.ram     0x2000_0000 size 16M owner root
          region smram     0x7F00_0000 size 8M  owner smm kind smram
          smm { \(smm) }
          hypervisor { \(hypervisor) }
          partition guest1 { ept in g1.ept  \(guest) }
          partition root kind root { \(root) }
          \(device)
        }
        """
    }

    static func findings(_ source: String) throws -> [LintFinding] {
        let platform = try Platform.parse(source, file: "lint.moat").platform
        return Lint.run(platform)
    }

    static let cases: [(rule: LintRule, source: String, line: Int)] = [
        (.smrrOff, model(smm: "smram smram smrr off"), 11),
        (.smramUnlocked, model(smm: "smram smram lock off"), 11),
        (.smmCodeCheckOff, model(smm: "smram smram code-check off"), 11),
        (.smramDMAUnprotected, model(smm: "smram smram tseg-dma-protection off"), 11),
        (.smiPortPassedThrough, model(guest: "map 0x0 size 16M -> g1.ram rwx\n vmcs { io pass 0xB2 }"), 14),
        (.pciConfigPassedThrough, model(guest: "map 0x0 size 16M -> g1.ram rwx\n vmcs { io pass 0xCF8..0xCFF }"), 14),
        (.hvciWritableExecutable, model(root: "hvci on\n vtl 0 { map 0x0 size 16M -> k.ram rwx }"), 15),
        (.controlStructureMapped, model(guest: "map 0x0 size 16M -> g1.ram rwx\n map 0x0100_0000 size 4K -> g1.vmcs rw"), 14),
        (.executableSuperpage, model(guest: "map 0x0 size 16M -> g1.ram rwx page 2M", cpu: "cpu { erratum page-size-change-mce }"), 13),
        (.deviceWithoutIOMMU, model(device: "device nic assigned guest1 iommu off"), 15),
        (.vmfuncEnabled, model(guest: "map 0x0 size 16M -> g1.ram rwx\n vmcs { secondary enable-ept enable-vpid unrestricted-guest enable-vm-functions\n vmfunc eptp-list in g1.list { guest1 } }"), 15),
        (.vmcsShadowingEnabled, model(guest: "map 0x0 size 16M -> g1.ram rwx\n vmcs { secondary enable-ept enable-vpid unrestricted-guest vmcs-shadowing\n shadowing { vmwrite 0x681E } }"), 15),
        (.scrubOnFreeOff, model(hypervisor: "scrub-on-free off"), 12),
    ]

    @Test func theCleanModelHasNoFinding() throws {
        #expect(try Self.findings(Self.model()) == [])
    }

    @Test(arguments: cases.indices)
    func eachRuleFiresOnItsModel(index: Int) throws {
        let (rule, source, line) = Self.cases[index]
        let findings = try Self.findings(source)
        #expect(findings.map(\.rule) == [rule], "\(findings)")
        #expect(findings.first?.location.line == line, "\(rule.id): \(findings.first?.description ?? "none")")
        #expect(findings.first?.location.file == "lint.moat")
        #expect(findings.first?.severity == rule.severity)
    }

    @Test func everyRuleHasATriggeringTest() {
        let tested = Set(Self.cases.map(\.rule.id)).union([LintRule.eptWriteWithoutRead.id])
        #expect(Set(LintRule.all.map(\.id)) == tested)
    }

    @Test func writeWithoutReadIsReportedOnPlatformsBuiltInCode() throws {
        // The parser rejects '-w-' in a file; a platform built or varied in code can still have it.
        var platform = try Platform.parse(Self.model(), file: "lint.moat").platform
        let index = platform.partitions.firstIndex { $0.name == "guest1" }!
        platform.partitions[index].vtls[0].mappings[0].permissions = [.write]
        let findings = Lint.run(platform)
        #expect(findings.map(\.rule) == [.eptWriteWithoutRead])
        #expect(findings.first?.description.hasSuffix("write without read is an EPT misconfiguration [MOAT-L007]") == true)
    }

    @Test func aReadOnlyControlStructureMappingIsOnlyAWarning() throws {
        let findings = try Self.findings(Self.model(guest: "map 0x0 size 16M -> g1.ram rwx\n map 0x0100_0000 size 4K -> g1.ept r"))
        #expect(findings.map(\.rule) == [.controlStructureMapped])
        #expect(findings.first?.severity == .warning)
        #expect(!Lint.hasErrors(findings))
    }

    @Test func deviceMappingsOfControlStructuresCount() throws {
        let findings = try Self.findings(Self.model(device: "device nic assigned guest1 iommu in nic.iommu { map 0x0 size 64K -> nic.iommu rw }"))
        #expect(findings.map(\.rule) == [.controlStructureMapped])
    }

    @Test func hvciSeesAPageWritableAtOneAddressAndExecutableAtAnother() throws {
        let findings = try Self.findings(Self.model(root: "hvci on\n vtl 0 { map 0x0 size 16M -> k.ram r-x\n map 0x0100_0000 size 4K -> k.ram + 0x2000 rw }"))
        #expect(findings.map(\.rule) == [.hvciWritableExecutable])
        #expect(findings.first?.message.contains("writable at guest-physical 0x1000000") == true)
    }

    @Test func executableSuperpagesNeedTheErratum() throws {
        #expect(try Self.findings(Self.model(guest: "map 0x0 size 16M -> g1.ram rwx page 2M")) == [])
        #expect(try Self.findings(Self.model(guest: "map 0x0 size 16M -> g1.ram rw page 2M", cpu: "cpu { erratum page-size-change-mce }")) == [])
    }

    @Test func pciPortsAreListedWhenOnlySomePass() throws {
        let findings = try Self.findings(Self.model(guest: "map 0x0 size 16M -> g1.ram rwx\n vmcs { io pass 0xCFC }"))
        #expect(findings.first?.message.hasPrefix("PCI configuration port 0xcfc passes through to guest1") == true)
    }

    @Test func theVBSBaselineIsSilent() throws {
        let platform = try Platform.load(path: Repository.path("models/vbs-baseline.moat")).platform
        #expect(Lint.run(platform) == [])
    }

    @Test func findingsPrintLikeCompilerDiagnosticsWithTheRuleId() throws {
        let finding = try #require(try Self.findings(Self.model(smm: "smram smram smrr off")).first)
        #expect(finding.description == "lint.moat:11:3: error: 'smrr off': SMRAM 'smram' is cacheable and visible outside SMM [MOAT-L001]")
    }

    @Test func ruleIdsAreUniqueAndStable() {
        let ids = LintRule.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        #expect(ids == (1...14).map { "MOAT-L" + String(repeating: "0", count: 3 - String($0).count) + String($0) })
    }
}
