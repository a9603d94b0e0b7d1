extension Parser {
    /// `vmcs [in REGION] { … }`: controls, bitmaps, VM functions, shadowing, MSR areas.
    mutating func vmcs() throws(Diagnostic) -> VMCSDecl {
        var decl = VMCSDecl(location: current.location)
        decl.config.location = current.location
        advance()
        if accept(keyword: "in") {
            let region = try expectName("the region that holds the VMCS after 'vmcs in'")
            decl.config.region = region.text
            decl.placements.append(Placement(region: region, kind: .vmcs, what: "the VMCS"))
        }
        try block("the 'vmcs' block") { (p: inout Parser) throws(Diagnostic) in try p.vmcsItem(&decl) }
        return decl
    }

    private static let vmcsKeywords: Set<String> = [
        "pin", "primary", "secondary", "exit-controls", "entry-controls", "io-bitmap", "io", "msr-bitmap", "msr",
        "vmfunc", "shadowing", "msr-load", "msr-store",
    ]

    private mutating func vmcsItem(_ decl: inout VMCSDecl) throws(Diagnostic) {
        let token = current
        let word = try expectName("a VMCS setting: pin, primary, secondary, exit-controls, entry-controls, io-bitmap, io, msr-bitmap, msr, vmfunc, shadowing, msr-load or msr-store")
        if let field = ControlField(rawValue: word.text) {
            var names: [Name] = []
            if !accept(keyword: "none") {
                while let name = current.identifier, !Parser.vmcsKeywords.contains(name) {
                    names.append(Name(text: name, location: current.location))
                    advance()
                }
                if names.isEmpty, !current.isSymbol("}"), current.identifier == nil {
                    throw failure("control names after '\(field.rawValue)' (or 'none', to clear the field)")
                }
            }
            decl.controls.append((field, names))
            return
        }
        switch word.text {
        case "io-bitmap", "msr-bitmap":
            try expect(keyword: "in", " after '\(word.text)'")
            let region = try expectName("the region that holds the \(word.text == "io-bitmap" ? "I/O bitmaps A and B" : "MSR bitmap")")
            if word.text == "io-bitmap" {
                decl.config.ioBitmapRegion = region.text
                decl.placements.append(Placement(region: region, kind: .ioBitmap, what: "the I/O bitmaps"))
            } else {
                decl.config.msrBitmapRegion = region.text
                decl.placements.append(Placement(region: region, kind: .msrBitmap, what: "the MSR bitmap"))
            }
        case "io":
            if accept(keyword: "default") {
                decl.config.ioDefault = try portAction("io default")
                return
            }
            let action = try portAction("io")
            for (low, high) in try numberList("port numbers or ranges (0x60, 0x70..0x71)", limit: 0xFFFF, unit: "port") {
                decl.config.ioRules.append(PortRule(action: action, low: low, high: high, location: token.location))
            }
        case "msr":
            if accept(keyword: "default") {
                decl.config.msrDefault = try portAction("msr default")
                return
            }
            let action = try portAction("msr")
            var access = MSRRule.Access(read: true, write: true)
            if accept(keyword: "read") {
                access.write = false
            } else if accept(keyword: "write") {
                access.read = false
            }
            for (low, high) in try numberList("MSR indices or ranges (0x10, 0x174..0x176)", limit: 0xFFFF_FFFF, unit: "MSR index") {
                decl.config.msrRules.append(MSRRule(action: action, access: access, low: low, high: high, location: token.location))
            }
        case "vmfunc":
            var config = VMFunctionConfig(eptpListRegion: nil, entries: [], location: token.location)
            if accept(keyword: "eptp-list") {
                try expect(keyword: "in", " after 'eptp-list'")
                let region = try expectName("the region that holds the EPTP list")
                config.eptpListRegion = region.text
                decl.placements.append(Placement(region: region, kind: .eptpList, what: "the EPTP list"))
            }
            try block("the EPTP list") { (p: inout Parser) throws(Diagnostic) in
                decl.vmfuncEntries.append(try p.expectName("a principal whose EPT the list holds (e.g. 'guest1' or 'root.vtl1')"))
            }
            decl.config.vmfunc = config
        case "shadowing":
            var config = ShadowingConfig(vmreadBitmapRegion: nil, vmwriteBitmapRegion: nil, vmreadPass: [], vmwritePass: [], location: token.location)
            while current.isKeyword("vmread-bitmap") || current.isKeyword("vmwrite-bitmap") {
                let which = current.identifier!
                advance()
                try expect(keyword: "in", " after '\(which)'")
                let region = try expectName("the region that holds the \(which)")
                if which == "vmread-bitmap" { config.vmreadBitmapRegion = region.text } else { config.vmwriteBitmapRegion = region.text }
                decl.placements.append(Placement(region: region, kind: .vmcsBitmap, what: "the \(which == "vmread-bitmap" ? "VMREAD" : "VMWRITE") bitmap"))
            }
            try block("the shadowing block") { (p: inout Parser) throws(Diagnostic) in
                let which = try p.expectName("'vmread' or 'vmwrite' followed by the field encodings that pass through")
                guard which.text == "vmread" || which.text == "vmwrite" else {
                    throw Diagnostic.error(which.location, "expected 'vmread' or 'vmwrite', found '\(which.text)'")
                }
                var fields: [UInt32] = []
                for (low, high) in try p.numberList("VMCS field encodings", limit: 0x7FFF, unit: "field encoding") {
                    fields += Array(low...high)
                }
                if which.text == "vmread" { config.vmreadPass += fields } else { config.vmwritePass += fields }
            }
            decl.config.shadowing = config
        case "msr-load", "msr-store":
            var kind: MSRArea.Kind = word.text == "msr-store" ? .exitStore : .entryLoad
            if word.text == "msr-load" {
                if accept(keyword: "exit") {
                    kind = .exitLoad
                } else {
                    try expect(keyword: "entry", " or 'exit' after 'msr-load'")
                }
            } else {
                _ = accept(keyword: "exit")
            }
            var area = MSRArea(kind: kind, region: nil, entries: [], location: token.location)
            if accept(keyword: "in") {
                let region = try expectName("the region that holds the MSR area")
                area.region = region.text
                decl.placements.append(Placement(region: region, kind: .msrArea, what: "the MSR area"))
            }
            try block("the MSR list") { (p: inout Parser) throws(Diagnostic) in
                let indexToken = p.current
                let index = try p.expectNumber("an MSR index (optionally '= VALUE')")
                guard index <= UInt32.max else { throw Diagnostic.error(indexToken.location, "MSR index \(indexToken.text) does not fit in 32 bits") }
                var value: UInt64 = 0
                if p.accept(symbol: "=") { value = try p.expectNumber("the MSR value after '='") }
                area.entries.append(MSRArea.Entry(index: UInt32(index), value: value))
            }
            decl.config.msrAreas.append(area)
        default:
            throw Diagnostic.error(word.location, "unknown VMCS setting '\(word.text)'; expected pin, primary, secondary, exit-controls, entry-controls, io-bitmap, io, msr-bitmap, msr, vmfunc, shadowing, msr-load or msr-store")
        }
    }

    private mutating func portAction(_ context: String) throws(Diagnostic) -> PortAction {
        if accept(keyword: "pass") { return .pass }
        if accept(keyword: "exit") { return .exit }
        throw failure("'pass' or 'exit' after '\(context)'")
    }

    /// One or more numbers or `LOW..HIGH` ranges, each at most `limit`.
    mutating func numberList(_ what: String, limit: UInt64, unit: String) throws(Diagnostic) -> [(UInt32, UInt32)] {
        var result: [(UInt32, UInt32)] = []
        repeat {
            let token = current
            let low = try expectNumber(what)
            var high = low
            if accept(symbol: "..") {
                high = try expectNumber("the end of the range after '..'")
            }
            guard low <= limit, high <= limit else {
                throw Diagnostic.error(token.location, "\(unit) \(hex(max(low, high))) is out of range; expected at most \(hex(limit))")
            }
            guard low <= high else {
                throw Diagnostic.error(token.location, "range \(hex(low))..\(hex(high)) is empty; expected LOW..HIGH with LOW ≤ HIGH")
            }
            result.append((UInt32(low), UInt32(high)))
            _ = accept(symbol: ",")
        } while atNumber
        return result
    }
}
