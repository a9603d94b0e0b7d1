extension Validator {
    mutating func partition(_ decl: PartitionDecl, regions: [Region]) -> Partition? {
        guard partitionsByName[decl.name.text]?.location == decl.location else { return nil }
        var kind = Partition.Kind.guest
        if let k = decl.kind {
            if let parsed = Partition.Kind(rawValue: k.text) {
                kind = parsed
            } else {
                error(k.location, "unknown partition kind '\(k.text)'; expected 'root' or 'guest'")
            }
        }
        // The partition-level VMCS is validated once, whichever VTLs inherit it.
        let inherited = decl.body.vmcs.map { (decl: $0, config: vmcsConfig($0)) }
        var vtlDecls = decl.vtls
        if vtlDecls.isEmpty {
            vtlDecls = [decl.body]
            vtlDecls[0].vmcs = nil
        } else {
            if let first = decl.body.mappings.first {
                error(first.location, "partition '\(decl.name.text)' has VTL blocks, so its mappings belong inside 'vtl 0 { … }' or 'vtl 1 { … }'")
            }
            if let ept = decl.body.ept {
                error(ept.location, "partition '\(decl.name.text)' has VTL blocks and each VTL has its own EPT; expected 'ept in …' inside a VTL block")
            }
        }
        var seenLevels: [Int: SourceLocation] = [:]
        var vtls: [VTL] = []
        for v in vtlDecls {
            if let earlier = seenLevels[v.level] {
                error(v.location, "partition '\(decl.name.text)' declares VTL \(v.level) twice (first at \(earlier)); expected one block per VTL")
                continue
            }
            seenLevels[v.level] = v.location
            vtls.append(vtl(v, inherited: inherited, partition: decl.name.text, regions: regions))
        }
        vtls.sort { $0.level < $1.level }
        if vtls.first?.level != 0 {
            error(decl.location, "partition '\(decl.name.text)' has no VTL 0; expected a 'vtl 0 { … }' block, since every partition starts in VTL 0")
        }
        for v in vtlDecls {
            for p in v.protections where p.lowerLevel >= v.level {
                error(p.protection.location, "VTL \(v.level) cannot protect VTL \(p.lowerLevel): a VTL only restricts lower VTLs, never itself or higher ones")
            }
            for p in v.protections where p.lowerLevel < v.level && seenLevels[p.lowerLevel] == nil {
                error(p.protection.location, "partition '\(decl.name.text)' has no VTL \(p.lowerLevel) to protect")
            }
        }
        return Partition(name: decl.name.text, kind: kind, vtls: vtls, hvci: decl.hvci, location: decl.location)
    }

    private mutating func vtl(_ decl: VTLDecl, inherited: (decl: VMCSDecl, config: VMCSConfig)?, partition: String, regions: [Region]) -> VTL {
        let vmcsDecl = decl.vmcs ?? inherited?.decl
        let vmcs = decl.vmcs.map { vmcsConfig($0) } ?? inherited?.config ?? VMCSConfig()
        let owner = "\(partition).vtl\(decl.level)"
        if let ept = decl.ept {
            place(Placement(region: ept, kind: .pageTables, what: "the EPT of \(owner)"))
        }
        var mappings: [Mapping] = []
        for (m, regionName) in zip(decl.mappings, decl.mappingRegions) {
            if let resolved = mapping(m, region: regionName, of: owner, ept: true, mbec: vmcs.mbecEnabled) { mappings.append(resolved) }
        }
        checkDisjoint(mappings, of: owner)
        if !vmcs.eptEnabled, !mappings.isEmpty {
            warning(vmcsDecl?.location ?? decl.location, "\(owner) declares EPT mappings but its VMCS does not enable EPT (secondary 'enable-ept' with primary 'activate-secondary-controls'): guest-physical addresses are host-physical")
        }
        var protections: [Int: [VTLProtection]] = [:]
        for p in decl.protections {
            if p.protection.permissions.isWriteWithoutRead {
                error(p.protection.location, "protection '\(p.protection.permissions)' grants write without read, which EPT cannot express (an EPT misconfiguration); expected read with write")
            }
            protections[p.lowerLevel, default: []].append(p.protection)
        }
        return VTL(level: decl.level, mappings: mappings, eptRegion: decl.ept?.text, vmcs: vmcs, protections: protections, location: decl.location)
    }

    /// Resolves a mapping's host address and checks its size, alignment and rights.
    mutating func mapping(_ m: Mapping, region regionName: Name?, of owner: String, ept: Bool, mbec: Bool) -> Mapping? {
        var m = m
        let what = ept ? "EPT mapping" : "IOMMU mapping"
        guard m.size > 0 else {
            error(m.location, "\(what) of \(owner) has size 0; expected a positive size")
            return nil
        }
        switch m.target {
        case .host(let hpa):
            m.hpa = hpa
        case .region(_, let offset):
            guard let name = regionName, let region = regionNamed(name, "the target of a mapping") else { return nil }
            let (end, overflow) = offset.addingReportingOverflow(m.size)
            if overflow || end > region.size {
                error(m.location, "mapping of \(hex(m.size)) bytes at offset \(hex(offset)) runs outside region '\(region.name.text)' (size \(hex(region.size))); expected offset + size ≤ \(hex(region.size))")
                return nil
            }
            m.hpa = region.base + offset
        }
        for (label, address) in [("guest-physical", m.gpa), ("host-physical", m.hpa)] {
            let (end, overflow) = address.addingReportingOverflow(m.size)
            if overflow || end > Validator.addressLimit {
                error(m.location, "\(what) ends past 2^52 in \(label) space (\(hex(address)) + \(hex(m.size))); expected a range below 0x10000000000000")
                return nil
            }
        }
        if ept, m.gpa &+ m.size > 1 << 48 {
            error(m.location, "EPT mapping ends at guest-physical \(hex(m.gpa &+ m.size)), past the 48 bits a 4-level EPT translates; expected guest-physical addresses below 0x1000000000000")
            return nil
        }
        if m.hpa &+ m.size > 1 << UInt64(cpu.maxPhysAddr) {
            error(m.location, "\(what) reaches host-physical \(hex(m.hpa &+ m.size)), past MAXPHYADDR \(cpu.maxPhysAddr); expected addresses below \(hex(1 << UInt64(cpu.maxPhysAddr)))")
        }
        let page = m.pageSize.bytes
        if m.gpa % page != 0 || m.hpa % page != 0 || m.size % page != 0 {
            error(m.location, "\(what) with \(m.pageSize) pages is not \(m.pageSize)-aligned (guest \(hex(m.gpa)), host \(hex(m.hpa)), size \(hex(m.size))); expected addresses and size that are multiples of \(hex(page))")
        }
        if m.pageSize == .size2M && !cpu.pages2M || m.pageSize == .size1G && !cpu.pages1G {
            error(m.location, "\(m.pageSize) pages are not supported by this CPU (set 'pages-\(m.pageSize.description.lowercased()) on' in the cpu block); expected 4K pages")
        }
        if m.permissions.isWriteWithoutRead {
            error(m.location, "rights '\(m.permissions)' grant write without read: an EPT misconfiguration (exit reason 49) on every access; expected 'rw' or no write")
        }
        if ept, m.permissions.isExecuteOnly, !cpu.executeOnlyEPT {
            error(m.location, "execute-only rights '\(m.permissions)' are an EPT misconfiguration on a CPU without execute-only support; expected read with execute, or 'execute-only-ept on'")
        }
        if ept, m.permissions.contains(.userExecute), !mbec {
            warning(m.location, "user-execute 'u' is ignored because \(owner)'s VMCS does not enable mode-based execute control (secondary 'mode-based-execute')")
        }
        return m
    }

    /// Reports two mappings of one address space that share a guest-physical address.
    mutating func checkDisjoint(_ mappings: [Mapping], of owner: String) {
        let sorted = mappings.sorted { ($0.gpa, $0.location) < ($1.gpa, $1.location) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.gpa < a.gpaEnd {
            let later = a.location < b.location ? b : a
            let earlier = a.location < b.location ? a : b
            error(later.location, "mapping of guest-physical [\(hex(later.gpa)), \(hex(later.gpaEnd))) overlaps the mapping at \(earlier.location) in \(owner)'s address space; expected each guest-physical address mapped once")
        }
    }

    mutating func vmcsConfig(_ decl: VMCSDecl) -> VMCSConfig {
        var config = decl.config
        for (field, names) in decl.controls {
            var value: UInt32 = 0
            for name in names {
                guard let bit = field.bits[name.text] else {
                    let owner = ControlField.allCases.first { $0.bits[name.text] != nil }
                    let hint = owner.map { " ('\(name.text)' is a \($0.rawValue) control)" } ?? suggestion(name.text, among: Array(field.bits.keys))
                    error(name.location, "unknown \(field.rawValue) control '\(name.text)'; expected one of the \(field.rawValue) controls of SDM vol. 3C §25.6\(hint)")
                    continue
                }
                value |= 1 << UInt32(bit)
                config.settings.append(VMCSConfig.Setting(field: field, name: name.text, bit: bit, location: name.location))
            }
            config.values[field] = value
        }
        for placement in decl.placements { place(placement) }
        let secondaryWritten = decl.controls.contains { $0.field == .secondary && !$0.names.isEmpty }
        if secondaryWritten, !config.primary(VMXControls.primaryActivateSecondary) {
            warning(decl.location, "secondary controls are ignored (treated as 0) because primary 'activate-secondary-controls' is off (SDM vol. 3C §25.6.2)")
        }
        if config.mbecEnabled, !cpu.mbec {
            error(decl.location, "secondary 'mode-based-execute' needs a CPU with MBEC; expected 'mbec on' in the cpu block")
        }
        if config.value(.secondary) & (1 << UInt32(VMXControls.secondaryModeBasedExecute) | 1 << UInt32(VMXControls.secondaryUnrestrictedGuest) | 1 << UInt32(VMXControls.secondaryEnableVMFunctions)) != 0,
            config.primary(VMXControls.primaryActivateSecondary), !config.eptEnabled
        {
            error(decl.location, "unrestricted guest, mode-based execute and VM functions require secondary 'enable-ept' (VM entry fails otherwise)")
        }
        if var vmfunc = config.vmfunc {
            if !config.vmfuncEnabled {
                warning(vmfunc.location, "an EPTP list is declared but secondary 'enable-vm-functions' is off; VMFUNC will exit to the hypervisor")
            }
            if !cpu.vmfunc { error(vmfunc.location, "this CPU has no VM functions; expected 'vmfunc on' in the cpu block") }
            if decl.vmfuncEntries.count > 512 { error(vmfunc.location, "an EPTP list holds at most 512 entries; found \(decl.vmfuncEntries.count)") }
            vmfunc.entries = decl.vmfuncEntries.compactMap { name -> Principal? in
                let p = principal(name, "an EPTP-list entry")
                if let p, p.partition == nil {
                    error(name.location, "'\(name.text)' has no EPT; an EPTP list holds partitions' VTLs")
                    return nil
                }
                return p
            }
            config.vmfunc = vmfunc
        }
        if let shadowing = config.shadowing {
            if !config.shadowingEnabled {
                warning(shadowing.location, "VMREAD/VMWRITE bitmaps are declared but secondary 'vmcs-shadowing' is off; every VMREAD and VMWRITE exits")
            }
            if !cpu.vmcsShadowing { error(shadowing.location, "this CPU has no VMCS shadowing; expected 'vmcs-shadowing on' in the cpu block") }
        }
        return config
    }

    mutating func device(_ decl: DeviceDecl, regions: [Region]) -> Device? {
        guard devicesByName[decl.name.text]?.location == decl.location else { return nil }
        var assigned: Principal = .hypervisor
        if let a = decl.assigned {
            guard let p = principal(a, "the partition device '\(decl.name.text)' is assigned to") else { return nil }
            guard p.partition != nil else {
                error(a.location, "device '\(decl.name.text)' is assigned to '\(a.text)'; expected a partition (DMA has VTL 0's privilege)")
                return nil
            }
            assigned = p
        } else {
            error(decl.location, "device '\(decl.name.text)' is not assigned to anyone; expected 'assigned PARTITION'")
            return nil
        }
        if let region = decl.iommuRegion {
            place(Placement(region: region, kind: .iommuTables, what: "the IOMMU tables of '\(decl.name.text)'"))
        }
        if !decl.iommu, let first = decl.mappings.first {
            error(first.location, "device '\(decl.name.text)' has 'iommu off', so it reaches all of memory and cannot have DMA mappings; expected 'iommu on' or no mappings")
        }
        var mappings: [Mapping] = []
        for (m, regionName) in zip(decl.mappings, decl.mappingRegions) {
            if let resolved = mapping(m, region: regionName, of: "device '\(decl.name.text)'", ept: false, mbec: false) { mappings.append(resolved) }
        }
        checkDisjoint(mappings, of: "device '\(decl.name.text)'")
        return Device(name: decl.name.text, assignedTo: assigned, iommu: decl.iommu, iommuRegion: decl.iommuRegion?.text, mappings: mappings, location: decl.location)
    }
}
