extension Parser {
    /// `region NAME BASE size SIZE [owner PRINCIPAL] [kind KIND] [secret]`
    mutating func region() throws(Diagnostic) -> RegionDecl {
        let location = current.location
        advance()
        let name = try expectName("the region's name after 'region'")
        let base = try expectNumber("the region's base address after its name")
        try expect(keyword: "size", " after the region's base address")
        let size = try expectNumber("the region's size after 'size'")
        var decl = RegionDecl(name: name, base: base, size: size, owner: nil, kind: nil, secret: false, location: location)
        while true {
            if accept(keyword: "owner") {
                decl.owner = try expectName("the owning principal after 'owner' (a partition, 'hypervisor', 'smm', a device or 'none')")
            } else if accept(keyword: "kind") {
                decl.kind = try expectName("the region's kind after 'kind'")
            } else if accept(keyword: "secret") {
                decl.secret = true
            } else {
                break
            }
        }
        return decl
    }

    /// `cpu { maxphyaddr N  FEATURE on|off  erratum NAME }`
    mutating func cpu() throws(Diagnostic) -> CPU {
        var cpu = CPU()
        cpu.location = current.location
        advance()
        try block("the 'cpu' block") { (p: inout Parser) throws(Diagnostic) in
            let token = p.current
            let word = try p.expectName("a CPU setting ('maxphyaddr', a feature such as 'mbec', 'erratum' or 'msr')")
            switch word.text {
            case "maxphyaddr":
                let value = try p.expectNumber("the physical-address width in bits after 'maxphyaddr'")
                guard (32...52).contains(value) else {
                    throw Diagnostic.error(token.location, "maxphyaddr \(value) is out of range; expected a width from 32 to 52 bits")
                }
                cpu.maxPhysAddr = Int(value)
            case "execute-only-ept": cpu.executeOnlyEPT = try p.expectSwitch(word.text)
            case "mbec": cpu.mbec = try p.expectSwitch(word.text)
            case "pages-2m": cpu.pages2M = try p.expectSwitch(word.text)
            case "pages-1g": cpu.pages1G = try p.expectSwitch(word.text)
            case "ept-ad": cpu.eptAccessedDirty = try p.expectSwitch(word.text)
            case "vmfunc": cpu.vmfunc = try p.expectSwitch(word.text)
            case "vmcs-shadowing": cpu.vmcsShadowing = try p.expectSwitch(word.text)
            case "smrr": cpu.smrrSupported = try p.expectSwitch(word.text)
            case "erratum":
                let name = try p.expectName("an erratum name after 'erratum' (\(Erratum.allCases.map(\.rawValue).joined(separator: ", ")))")
                guard let erratum = Erratum(rawValue: name.text) ?? Parser.erratumAliases[name.text.lowercased()] else {
                    throw Diagnostic.error(name.location, "unknown erratum '\(name.text)'; expected one of \(Erratum.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                cpu.errata.insert(erratum)
            case "msr":
                try p.expect(keyword: "exists", " after 'msr' (as in 'msr exists 0x1234')")
                repeat {
                    let indexToken = p.current
                    let value = try p.expectNumber("an MSR index after 'msr exists'")
                    guard value <= UInt32.max else { throw Diagnostic.error(indexToken.location, "MSR index \(hex(value)) does not fit in 32 bits") }
                    cpu.extraMSRs.append(UInt32(value))
                } while p.atNumber
            default:
                throw Diagnostic.error(word.location, "unknown CPU setting '\(word.text)'; expected maxphyaddr, execute-only-ept, mbec, pages-2m, pages-1g, ept-ad, vmfunc, vmcs-shadowing, smrr, erratum or msr exists")
            }
        }
        return cpu
    }

    static let erratumAliases: [String: Erratum] = ["skl031": .msrLoadShutdown, "xsa-304": .pageSizeChangeMCE, "itlb-multihit": .pageSizeChangeMCE]

    /// `partition NAME [kind root|guest] { map… ept in R  vmcs {…}  vtl N {…}  hvci on }`
    mutating func partition() throws(Diagnostic) -> PartitionDecl {
        let location = current.location
        advance()
        let name = try expectName("the partition's name after 'partition'")
        var kind: Name?
        if accept(keyword: "kind") {
            kind = try expectName("'root' or 'guest' after 'kind'")
        }
        var decl = PartitionDecl(name: name, kind: kind, body: VTLDecl(level: 0, location: location), location: location)
        try block("partition '\(name.text)'") { (p: inout Parser) throws(Diagnostic) in
            if p.current.isKeyword("vtl") {
                decl.vtls.append(try p.vtl())
            } else if p.accept(keyword: "hvci") {
                decl.hvci = try p.expectSwitch("hvci")
            } else {
                try p.vtlItem(&decl.body, allowProtect: false)
            }
        }
        return decl
    }

    /// `vtl N { map…  ept in R  vmcs {…}  protect vtl M ADDR size S RIGHTS }`
    mutating func vtl() throws(Diagnostic) -> VTLDecl {
        let location = current.location
        advance()
        let levelToken = current
        let level = try expectNumber("the VTL number after 'vtl'")
        guard level <= 1 else {
            throw Diagnostic.error(levelToken.location, "VTL \(level) is not implemented; expected 0 or 1 (Hyper-V implements VTL0 and VTL1)")
        }
        var decl = VTLDecl(level: Int(level), location: location)
        try block("VTL \(level)") { (p: inout Parser) throws(Diagnostic) in try p.vtlItem(&decl, allowProtect: true) }
        return decl
    }

    mutating func vtlItem(_ decl: inout VTLDecl, allowProtect: Bool) throws(Diagnostic) {
        let token = current
        switch token.identifier {
        case "map":
            let (mapping, region) = try mapping()
            decl.mappings.append(mapping)
            decl.mappingRegions.append(region)
        case "ept":
            advance()
            try expect(keyword: "in", " after 'ept' (as in 'ept in REGION')")
            decl.ept = try expectName("the region that holds the EPT paging structures after 'ept in'")
        case "vmcs":
            if decl.vmcs != nil { throw Diagnostic.error(token.location, "a second 'vmcs' block; each VTL has one VMCS") }
            decl.vmcs = try vmcs()
        case "protect" where allowProtect:
            advance()
            try expect(keyword: "vtl", " after 'protect' (as in 'protect vtl 0 ADDR size S r-x')")
            let lowerToken = current
            let lower = try expectNumber("the lower VTL number after 'protect vtl'")
            let gpa = try expectNumber("a guest-physical address")
            try expect(keyword: "size", " after the address")
            let size = try expectNumber("the size after 'size'")
            let rights = try expectPermissions("for the protected range")
            guard lower <= 1 else { throw Diagnostic.error(lowerToken.location, "VTL \(lower) is not implemented; expected 0") }
            decl.protections.append(ProtectionDecl(lowerLevel: Int(lower), protection: VTLProtection(gpa: gpa, size: size, permissions: rights, location: token.location)))
        default:
            throw failure("'map', 'ept in', 'vmcs'\(allowProtect ? ", 'protect'" : ", 'vtl', 'hvci'")")
        }
    }

    /// `map GPA size S -> REGION [+ OFFSET] | HPA  RIGHTS  [page 4K|2M|1G]`
    mutating func mapping() throws(Diagnostic) -> (Mapping, Name?) {
        let location = current.location
        advance()
        let gpa = try expectNumber("a guest-physical address after 'map'")
        try expect(keyword: "size", " after the guest-physical address")
        let size = try expectNumber("the mapping's size after 'size'")
        try expect(symbol: "->", " between the guest range and its target")
        var target: MappingTarget
        var regionName: Name?
        if case .number(let hpa) = current.kind {
            advance()
            target = .host(hpa)
        } else {
            let region = try expectName("a region name or a host-physical address after '->'")
            var offset: UInt64 = 0
            if accept(symbol: "+") {
                offset = try expectNumber("an offset into the region after '+'")
            }
            target = .region(region.text, offset: offset)
            regionName = region
        }
        let rights = try expectPermissions("for the mapping")
        var pageSize = PageSize.size4K
        if accept(keyword: "page") {
            let token = current
            let value = try expectNumber("a page size after 'page' (4K, 2M or 1G)")
            guard let size = PageSize(rawValue: value) else {
                throw Diagnostic.error(token.location, "page size \(token.text) is not an EPT leaf size; expected 4K, 2M or 1G")
            }
            pageSize = size
        }
        return (Mapping(gpa: gpa, size: size, target: target, hpa: 0, permissions: rights, pageSize: pageSize, location: location), regionName)
    }

    /// `device NAME [assigned PRINCIPAL] [iommu off | iommu in REGION] [{ map… }]`
    mutating func device() throws(Diagnostic) -> DeviceDecl {
        let location = current.location
        advance()
        let name = try expectName("the device's name after 'device'")
        var decl = DeviceDecl(name: name, assigned: nil, iommu: true, iommuRegion: nil, location: location)
        while true {
            if accept(keyword: "assigned") {
                _ = accept(keyword: "to")
                decl.assigned = try expectName("the partition the device is assigned to")
            } else if accept(keyword: "iommu") {
                if accept(keyword: "in") {
                    decl.iommuRegion = try expectName("the region that holds the IOMMU tables after 'iommu in'")
                } else {
                    decl.iommu = try expectSwitch("iommu")
                }
            } else {
                break
            }
        }
        if current.isSymbol("{") {
            try block("device '\(name.text)'") { (p: inout Parser) throws(Diagnostic) in
                guard p.current.isKeyword("map") else { throw p.failure("'map' (a DMA mapping) inside a device") }
                let (mapping, region) = try p.mapping()
                decl.mappings.append(mapping)
                decl.mappingRegions.append(region)
            }
        }
        return decl
    }

    /// `property "NAME" { ATTACKER cannot read|write|exec TARGET }` or `{ ATTACKER cannot dos }`
    mutating func property() throws(Diagnostic) -> PropertyDecl {
        let location = current.location
        advance()
        let name = try expectString("the property's name in quotes after 'property'")
        try expect(symbol: "{", " to open the property")
        let attacker = try expectName("the attacking principal")
        try expect(keyword: "cannot", " after the attacker (as in 'guest1 cannot read hypervisor')")
        let verb = try expectName("'read', 'write', 'exec' or 'dos' after 'cannot'")
        var target: Name?
        switch verb.text {
        case "read", "write", "exec":
            target = try expectName("the target (a principal, partition or region) after '\(verb.text)'")
        case "dos":
            break
        default:
            throw Diagnostic.error(verb.location, "unknown goal '\(verb.text)'; expected 'read', 'write', 'exec' or 'dos'")
        }
        try expect(symbol: "}", " to close the property (one claim per property)")
        return PropertyDecl(name: name, attacker: attacker, verb: verb, target: target, location: location)
    }
}
