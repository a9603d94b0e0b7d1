import Testing
@testable import Platform

@Suite("Declarations parse into model values")
struct DeclarationTests {
    // MARK: - File

    @Test func platformNameAndPropertiesInsideAndAfter() throws {
        let p = try #require(valid("""
            # a comment before the platform
            platform "VBS \\"baseline\\"" {
              property "inside" { hypervisor cannot dos }
            }
            property "after" { smm cannot dos }
            """))
        #expect(p.name == "VBS \"baseline\"")
        #expect(p.location.line == 2)
        #expect(p.properties.map(\.name) == ["inside", "after"])
    }

    @Test func namesMayBeUsedBeforeTheirDeclaration() throws {
        let p = try #require(valid(platform("""
              partition g { map 0x0 size 4K -> later rw }
              region later 0x1000 size 4K owner g
            """)))
        #expect(p.partitions[0].vtls[0].mappings[0].hpa == 0x1000)
        #expect(p.regions[0].owner == .vtl(partition: "g", level: 0))
    }

    // MARK: - Regions

    @Test func regionFieldsDefaultsAndOrder() throws {
        let p = try #require(valid(platform("""
              region z.last  0x3000 size 4K
              region hv.code 0x0010_0000 size 1M owner hypervisor kind code
              region keys    0x2000 size 4K kind secret owner smm
              region heap    0x20_0000 size 2M secret kind data owner hypervisor
              region spare   0x1000 size 4K owner none kind free
            """)))
        // Sorted by base address.
        #expect(p.regions.map(\.name) == ["spare", "keys", "z.last", "hv.code", "heap"])
        let code = try #require(p.region(named: "hv.code"))
        #expect(code.base == 0x10_0000 && code.size == 0x10_0000 && code.end == 0x20_0000)
        #expect(code.owner == .hypervisor && code.kind == .code && !code.isSecret)
        #expect(code.location.line == 3 && code.location.column == 3)
        let keys = try #require(p.region(named: "keys"))
        #expect(keys.kind == .secret && keys.isSecret && keys.owner == .smm)  // kind secret implies secret
        let heap = try #require(p.region(named: "heap"))
        #expect(heap.kind == .data && heap.isSecret)
        let last = try #require(p.region(named: "z.last"))
        #expect(last.owner == nil && last.kind == .data && !last.isSecret)  // the defaults
        #expect(p.region(named: "spare")?.owner == nil && p.region(named: "spare")?.kind == .free)
        #expect(p.region(containing: 0x20_0000)?.name == "heap")
        #expect(p.region(containing: 0x40_0000) == nil)
    }

    @Test func everyRegionKindParses() throws {
        var lines: [String] = []
        for (i, kind) in RegionKind.allCases.enumerated() {
            lines.append("region r\(i) \(hex(UInt64(i + 1) << 12)) size 4K kind \(kind.rawValue)")
        }
        let p = try #require(valid(platform(lines.joined(separator: "\n"))))
        #expect(p.regions.map(\.kind) == RegionKind.allCases)
        #expect(RegionKind.allCases.filter(\.isControlStructure) == [.pageTables, .vmcs, .msrArea, .ioBitmap, .msrBitmap, .eptpList, .vmcsBitmap, .iommuTables])
    }

    @Test func everyKindOfOwner() throws {
        let p = try #require(valid(platform("""
              region a 0x1000 size 4K owner hypervisor
              region b 0x2000 size 4K owner smm
              region c 0x3000 size 4K owner none
              region d 0x4000 size 4K owner g
              region e 0x5000 size 4K owner v.vtl1
              region f 0x6000 size 4K owner v.vtl0
              region h 0x7000 size 4K owner pci.nic
              partition g { }
              partition v { vtl 0 { } vtl 1 { } }
              device pci.nic assigned g
            """)))
        #expect(p.regions.map(\.owner) == [.hypervisor, .smm, nil, .vtl(partition: "g", level: 0), .vtl(partition: "v", level: 1), .vtl(partition: "v", level: 0), .device("pci.nic")])
        #expect(p.regions(of: .partition("v")).map(\.name) == ["e", "f"])
        #expect(p.regions(of: .principal(.vtl(partition: "v", level: 1))).map(\.name) == ["e"])
        #expect(p.regions(of: .region("c")).map(\.name) == ["c"])
    }

    // MARK: - CPU

    @Test func cpuDefaults() throws {
        let cpu = try #require(valid(platform(""))).cpu
        #expect(cpu.maxPhysAddr == 46)
        #expect(cpu.executeOnlyEPT && cpu.mbec && cpu.pages2M && cpu.pages1G && cpu.eptAccessedDirty)
        #expect(cpu.vmfunc && cpu.vmcsShadowing && cpu.smrrSupported)
        #expect(cpu.errata.isEmpty && cpu.extraMSRs.isEmpty)
    }

    @Test func everyCPUSetting() throws {
        let p = try #require(valid(platform("""
              cpu {
                maxphyaddr 39
                execute-only-ept off
                mbec false
                pages-2m no
                pages-1g disabled
                ept-ad off
                vmfunc off
                vmcs-shadowing off
                smrr off
                erratum msr-load-shutdown
                erratum XSA-304
                msr exists 0x1A0 0b1_1010_0100 420
                msr exists 0xFFFF_FFFF
              }
            """)))
        let cpu = p.cpu
        #expect(cpu.maxPhysAddr == 39)
        #expect(!cpu.executeOnlyEPT && !cpu.mbec && !cpu.pages2M && !cpu.pages1G && !cpu.eptAccessedDirty)
        #expect(!cpu.vmfunc && !cpu.vmcsShadowing && !cpu.smrrSupported)
        #expect(cpu.errata == [.msrLoadShutdown, .pageSizeChangeMCE])
        #expect(cpu.extraMSRs == [0x1A0, 0x1A4, 420, 0xFFFF_FFFF])
        #expect(cpu.location.line == 2)
    }

    @Test(arguments: [
        ("msr-load-shutdown", Erratum.msrLoadShutdown), ("skl031", .msrLoadShutdown), ("SKL031", .msrLoadShutdown),
        ("page-size-change-mce", .pageSizeChangeMCE), ("xsa-304", .pageSizeChangeMCE), ("iTLB-multihit", .pageSizeChangeMCE),
    ])
    func errataAndAliases(name: String, erratum: Erratum) throws {
        let p = try #require(valid(platform("cpu { erratum \(name) }")))
        #expect(p.cpu.errata == [erratum])
    }

    @Test(arguments: ["on", "true", "yes", "enabled"], ["off", "false", "no", "disabled"])
    func switches(on: String, off: String) throws {
        let p = try #require(valid(platform("cpu { mbec \(off)  mbec \(on)  smrr \(on)  smrr \(off) }")))
        #expect(p.cpu.mbec && !p.cpu.smrrSupported)
    }

    // MARK: - Mappings

    @Test func mappingsResolveTheirHostAddress() throws {
        let p = try #require(valid(platform("""
              region g.ram 0x1000_0000 size 64M owner g kind ram
              partition g {
                map 0x0         size 32M -> g.ram rwx page 2M
                map 0x0200_0000 size 4K  -> g.ram + 0x0200_0000 rw-
                map 0x0300_0000 size 4K  -> 0xFEE0_0000 r
                map 0x4000_0000 size 1G  -> 0x4000_0000 none page 1G
              }
            """)))
        let m = p.partitions[0].vtls[0].mappings
        #expect(m.map(\.gpa) == [0, 0x200_0000, 0x300_0000, 0x4000_0000])
        #expect(m.map(\.hpa) == [0x1000_0000, 0x1200_0000, 0xFEE0_0000, 0x4000_0000])
        #expect(m.map(\.size) == [32 << 20, 4096, 4096, 1 << 30])
        #expect(m.map(\.target) == [.region("g.ram", offset: 0), .region("g.ram", offset: 0x200_0000), .host(0xFEE0_0000), .host(0x4000_0000)])
        #expect(m.map(\.permissions) == [.rwx, [.read, .write], .read, .none])
        #expect(m.map(\.pageSize) == [.size2M, .size4K, .size4K, .size1G])
        #expect(m[1].translate(0x200_0010) == 0x1200_0010)
        #expect(m[1].translate(0x200_1000) == nil)
        #expect(m[0].location.line == 4 && m[0].location.column == 5)
    }

    @Test(arguments: [
        ("rwx", Permissions.rwx), ("rw", [.read, .write]), ("rw-", [.read, .write]), ("r-x", [.read, .execute]),
        ("r", .read), ("r--", .read), ("x", .execute), ("--x", .execute), ("xu", [.execute, .userExecute]),
        ("--xu", [.execute, .userExecute]), ("rwxu", [.read, .write, .execute, .userExecute]), ("ur", [.read, .userExecute]),
        ("none", .none), ("---", .none), ("----", .none),
    ] as [(String, Permissions)])
    func accessRights(text: String, expected: Permissions) throws {
        let p = try #require(valid(platform("""
              region r 0x1000 size 4K
              partition g { vmcs { secondary enable-ept mode-based-execute } map 0x0 size 4K -> r \(text) }
            """)))
        #expect(p.partitions[0].vtls[0].mappings[0].permissions == expected)
        #expect(Permissions(text: text) == expected)
    }

    @Test func permissionsDescriptionAndPredicates() {
        #expect(Permissions.rwx.description == "rwx-")
        #expect(Permissions([.execute, .userExecute]).description == "--xu")
        #expect(Permissions(text: "-w-")?.isWriteWithoutRead == true)
        #expect(Permissions(text: "-wx")?.isWriteWithoutRead == true)
        #expect(Permissions(text: "rw")?.isWriteWithoutRead == false)
        #expect(Permissions(text: "x")?.isExecuteOnly == true)
        #expect(Permissions(text: "u")?.isExecuteOnly == true)
        #expect(Permissions(text: "rx")?.isExecuteOnly == false)
        #expect(Permissions(text: "none")?.isExecuteOnly == false)
        #expect(Permissions(text: "") == nil && Permissions(text: "rwz") == nil && Permissions(text: "RW") == nil)
    }

    @Test(arguments: [("4K", PageSize.size4K), ("0x1000", .size4K), ("2M", .size2M), ("0x20_0000", .size2M), ("1G", .size1G), ("1024M", .size1G)])
    func pageSizes(text: String, expected: PageSize) throws {
        let p = try #require(valid(platform("partition g { map 0x0 size 1G -> 0x4000_0000 rw page \(text) }")))
        #expect(p.partitions[0].vtls[0].mappings[0].pageSize == expected)
    }

    // MARK: - Partitions and VTLs

    @Test func aPartitionWithoutVTLBlocksHasOnlyVTL0() throws {
        let p = try #require(valid(platform("""
              region g.ept 0x1000 size 4K kind page-tables
              region g.ram 0x10_0000 size 1M owner g
              partition g kind guest {
                ept in g.ept
                map 0x0 size 1M -> g.ram rwx
              }
              partition h { }
            """)))
        let g = try #require(p.partition(named: "g"))
        #expect(g.kind == .guest && !g.hvci)
        #expect(g.vtls.map(\.level) == [0])
        #expect(g.vtls[0].eptRegion == "g.ept")
        #expect(g.vtls[0].mappings.count == 1)
        #expect(g.vtls[0].protections.isEmpty)
        #expect(g.principals == [.vtl(partition: "g", level: 0)])
        let h = try #require(p.partition(named: "h"))
        #expect(h.kind == .guest && h.vtls.count == 1 && h.vtls[0].mappings.isEmpty)
        #expect(p.displayName(.vtl(partition: "g", level: 0)) == "g")
    }

    @Test func vtlsProtectionsAndInheritedVMCS() throws {
        let p = try #require(valid(platform("""
              region root.ram 0x1_0000_0000 size 1G owner root kind ram
              region sk.ram 0x2_0000_0000 size 256M owner root.vtl1 kind secret
              region e0 0x1000 size 64K kind page-tables
              region e1 0x2_0000 size 64K kind page-tables
              partition root kind root {
                hvci on
                vmcs { pin nmi-exiting }
                vtl 1 {
                  ept in e1
                  map 0x0 size 1G -> root.ram rwx page 2M
                  map 0x1_0000_0000 size 256M -> sk.ram rwx
                  protect vtl 0 0x0 size 2M r-x
                  protect vtl 0 0x20_0000 size 4K --x
                }
                vtl 0 {
                  ept in e0
                  map 0x0 size 1G -> root.ram rwx page 2M
                  vmcs { pin external-interrupt-exiting }
                }
              }
            """)))
        let root = try #require(p.partition(named: "root"))
        #expect(root.kind == .root && root.hvci)
        #expect(root.vtls.map(\.level) == [0, 1])  // sorted by level
        let vtl0 = try #require(root.vtl(0))
        let vtl1 = try #require(root.vtl(1))
        #expect(vtl0.eptRegion == "e0" && vtl1.eptRegion == "e1")
        #expect(vtl0.mappings.count == 1 && vtl1.mappings.count == 2)
        #expect(vtl1.mappings[1].hpa == 0x2_0000_0000)
        // VTL 1 inherits the partition's VMCS; VTL 0 has its own.
        #expect(vtl1.vmcs.value(.pin) == 1 << 3)
        #expect(vtl0.vmcs.value(.pin) == 1 << 0)
        #expect(vtl1.vmcs.value(.primary) == VMCSConfig().value(.primary))
        let protections = try #require(vtl1.protections[0])
        #expect(protections.map(\.gpa) == [0, 0x20_0000])
        #expect(protections.map(\.size) == [0x20_0000, 0x1000])
        #expect(protections.map(\.permissions) == [[.read, .execute], .execute])
        #expect(protections[0].location.line == 13)
        #expect(vtl0.protections.isEmpty)
        #expect(root.principals == [.vtl(partition: "root", level: 0), .vtl(partition: "root", level: 1)])
        #expect(p.vtl(of: .vtl(partition: "root", level: 1))?.level == 1)
        #expect(p.displayName(.vtl(partition: "root", level: 0)) == "root.vtl0")
        #expect(p.principals == [.hypervisor, .vtl(partition: "root", level: 0), .vtl(partition: "root", level: 1)])
    }

    // MARK: - Devices

    @Test func devices() throws {
        let p = try #require(valid(platform("""
              region iommu 0x1000 size 64K kind iommu-tables
              region g.ram 0x1000_0000 size 16M owner g
              partition g { }
              partition h { vtl 0 { } vtl 1 { } }
              device pci.nic assigned g iommu in iommu {
                map 0x0 size 1M -> g.ram + 0x10_0000 rw
                map 0x20_0000 size 2M -> 0x2000_0000 r page 2M
              }
              device gpu assigned to h.vtl1 iommu on
              device legacy iommu off assigned h
            """)))
        #expect(p.devices.map(\.name) == ["pci.nic", "gpu", "legacy"])
        let nic = try #require(p.device(named: "pci.nic"))
        #expect(nic.assignedTo == .vtl(partition: "g", level: 0))
        #expect(nic.iommu && nic.iommuRegion == "iommu")
        #expect(nic.mappings.map(\.hpa) == [0x1010_0000, 0x2000_0000])
        #expect(nic.mappings.map(\.pageSize) == [.size4K, .size2M])
        let gpu = try #require(p.device(named: "gpu"))
        #expect(gpu.assignedTo == .vtl(partition: "h", level: 1) && gpu.iommu && gpu.iommuRegion == nil && gpu.mappings.isEmpty)
        let legacy = try #require(p.device(named: "legacy"))
        #expect(legacy.assignedTo == .vtl(partition: "h", level: 0) && !legacy.iommu)
        #expect(p.principals.suffix(3) == [.device("pci.nic"), .device("gpu"), .device("legacy")])
    }

    // MARK: - SMM

    @Test func smmDefaults() throws {
        let p = try #require(valid(platform("region tseg 0x7F00_0000 size 8M owner smm kind smram\nsmm { smram tseg }")))
        let smm = try #require(p.smm)
        #expect(smm.smram == "tseg")
        #expect(smm.smrr && smm.locked && !smm.open && smm.tsegDMAProtection && smm.codeCheck)
        #expect(smm.handlers.isEmpty)
        #expect(p.principals == [.hypervisor, .smm])
        #expect(try #require(valid(platform(""))).smm == nil)
    }

    @Test func smmSettingsAndAliases() throws {
        let p = try #require(valid(platform("""
              region tseg 0x7F00_0000 size 8M owner smm kind smram
              smm {
                smram tseg
                smrr off
                lock off
                open on
                tseg-dma-protection off
                code-check off
              }
            """)))
        let smm = try #require(p.smm)
        #expect(!smm.smrr && !smm.locked && smm.open && !smm.tsegDMAProtection && !smm.codeCheck)
        #expect(smm.location.line == 3)
        let q = try #require(valid(platform("""
              region tseg 0x7F00_0000 size 8M owner smm kind smram
              smm { smram tseg  d_lck off  d-open on  tseg off  smm-code-chk-en off  d-lck off  d_open on }
            """)))
        #expect(q.smm.map { [$0.locked, $0.open, $0.tsegDMAProtection, $0.codeCheck] } == [false, true, false, false])
    }

    // MARK: - Properties

    @Test func propertiesAndTargets() throws {
        let p = try #require(valid(platform("""
              region hv.code 0x1000 size 4K owner hypervisor kind code
              region sk.ram 0x2000 size 4K owner root.vtl1
              partition root kind root { vtl 0 { } vtl 1 { } }
              partition guest { }
              device nic assigned guest
              property "p1" { guest cannot read root }
            """, after: """
            property "p2" { guest cannot write hypervisor }
            property "p3" { root cannot read root.vtl1 }
            property "p4" { root.vtl0 cannot read sk.ram }
            property "p5" { root.vtl0 cannot exec root.vtl0 }
            property "p6" { guest cannot exec smm }
            property "p7" { nic cannot write hv.code }
            property "p8" { guest cannot write nic }
            property "p9" { smm cannot read guest }
            property "p10" { hypervisor cannot dos }
            property "p11" { root.vtl1 cannot exec root }
            """)))
        let r0 = Principal.vtl(partition: "root", level: 0)
        let g = Principal.vtl(partition: "guest", level: 0)
        let expected: [(String, Principal, Goal)] = [
            ("p1", g, .read(.partition("root"))),
            ("p2", g, .write(.principal(.hypervisor))),
            ("p3", r0, .read(.principal(.vtl(partition: "root", level: 1)))),
            ("p4", r0, .read(.region("sk.ram"))),
            ("p5", r0, .exec(.principal(r0))),
            ("p6", g, .exec(.principal(.smm))),
            ("p7", .device("nic"), .write(.region("hv.code"))),
            ("p8", g, .write(.principal(.device("nic")))),
            ("p9", .smm, .read(.partition("guest"))),
            ("p10", .hypervisor, .dos),
            ("p11", .vtl(partition: "root", level: 1), .exec(.partition("root"))),
        ]
        #expect(p.properties.count == expected.count)
        for (property, (name, attacker, goal)) in zip(p.properties, expected) {
            #expect(property.name == name)
            #expect(property.attacker == attacker, "\(name)")
            #expect(property.goal == goal, "\(name)")
            #expect(!property.isStandard)
        }
        #expect(p.properties[0].location.line == 7)
        #expect(p.properties[4].claim == "root.vtl0 cannot exec root.vtl0")
        #expect(p.claim(p.properties[1]) == "guest cannot write hypervisor")
        #expect(p.properties[9].goal.target == nil && p.properties[9].goal.verb == "dos")
    }
}
