extension Parser {
    /// `hypervisor { scrub-on-free on|off  hypercall…  exit… }`
    mutating func hypervisor() throws(Diagnostic) -> HypervisorDecl {
        var decl = HypervisorDecl()
        decl.hypervisor.location = current.location
        advance()
        try block("the 'hypervisor' block") { (p: inout Parser) throws(Diagnostic) in
            let token = p.current
            switch token.identifier {
            case "scrub-on-free":
                p.advance()
                decl.hypervisor.scrubOnFree = try p.expectSwitch("scrub-on-free")
            case "hypercall":
                p.advance()
                let number = try p.expectNumber("the hypercall's call code after 'hypercall'")
                decl.handlers.append(try p.handler(.hypercall(number), at: token.location))
            case "exit":
                p.advance()
                decl.handlers.append(try p.exitHandler(at: token.location))
            default:
                throw p.failure("'scrub-on-free', 'hypercall' or 'exit' in the hypervisor")
            }
        }
        return decl
    }

    private mutating func direction() -> Trigger.Direction {
        if accept(keyword: "read") || accept(keyword: "in") { return .read }
        if accept(keyword: "write") || accept(keyword: "out") { return .write }
        return .both
    }

    /// `exit io PORTS [in|out]`, `exit msr MSRS [read|write]`, `exit mmio GPA size S [read|write]`, `exit cpuid`.
    private mutating func exitHandler(at location: SourceLocation) throws(Diagnostic) -> HandlerDecl {
        let kind = try expectName("the exit kind after 'exit': 'io', 'msr', 'mmio' or 'cpuid'")
        let trigger: Trigger
        switch kind.text {
        case "io":
            let ranges = try numberList("a port or port range after 'exit io'", limit: 0xFFFF, unit: "port")
            guard ranges.count == 1 else { throw Diagnostic.error(kind.location, "an I/O exit handler takes one port or one range; declare one handler per range") }
            trigger = .io(low: ranges[0].0, high: ranges[0].1, direction: direction())
        case "msr":
            let ranges = try numberList("an MSR index or range after 'exit msr'", limit: 0xFFFF_FFFF, unit: "MSR index")
            guard ranges.count == 1 else { throw Diagnostic.error(kind.location, "an MSR exit handler takes one MSR or one range; declare one handler per range") }
            trigger = .msr(low: ranges[0].0, high: ranges[0].1, direction: direction())
        case "mmio":
            let gpa = try expectNumber("the guest-physical address the hypervisor emulates after 'exit mmio'")
            try expect(keyword: "size", " after the MMIO address")
            let size = try expectNumber("the MMIO range's size after 'size'")
            trigger = .mmio(gpa: gpa, size: size, direction: direction())
        case "cpuid":
            trigger = .cpuid
        default:
            throw Diagnostic.error(kind.location, "unknown exit kind '\(kind.text)'; expected 'io', 'msr', 'mmio' or 'cpuid' (hypercalls are declared with 'hypercall')")
        }
        return try handler(trigger, at: location)
    }

    /// `smm { smram R  smrr on|off  lock on|off  open on|off  tseg-dma-protection on|off  code-check on|off  smi… }`
    mutating func smm() throws(Diagnostic) -> SMMDecl {
        var decl = SMMDecl()
        decl.smm.location = current.location
        advance()
        try block("the 'smm' block") { (p: inout Parser) throws(Diagnostic) in
            let token = p.current
            let word = try p.expectName("an SMM setting: smram, smrr, lock, open, tseg-dma-protection, code-check or smi")
            switch word.text {
            case "smram":
                decl.smram = try p.expectName("the SMRAM region after 'smram'")
                decl.smm.smram = decl.smram?.text
            case "smrr": decl.smm.smrr = try p.expectSwitch(word.text)
            case "lock", "d_lck", "d-lck": decl.smm.locked = try p.expectSwitch(word.text)
            case "open", "d_open", "d-open": decl.smm.open = try p.expectSwitch(word.text)
            case "tseg-dma-protection", "tseg": decl.smm.tsegDMAProtection = try p.expectSwitch(word.text)
            case "code-check", "smm-code-chk-en": decl.smm.codeCheck = try p.expectSwitch(word.text)
            case "smi":
                let numberToken = p.current
                let number = try p.expectNumber("the software SMI number (the byte written to port 0xB2) after 'smi'")
                guard number <= 0xFF else {
                    throw Diagnostic.error(numberToken.location, "SMI number \(numberToken.text) does not fit in a byte; expected 0x00 to 0xFF")
                }
                decl.handlers.append(try p.handler(.smi(UInt8(number)), at: token.location))
            default:
                throw Diagnostic.error(word.location, "unknown SMM setting '\(word.text)'; expected smram, smrr, lock, open, tseg-dma-protection, code-check or smi")
            }
        }
        return decl
    }

    /// `["name"] [comm REGION] [(p1, p2)] [from P, Q] { statements }`
    private mutating func handler(_ trigger: Trigger, at location: SourceLocation) throws(Diagnostic) -> HandlerDecl {
        var decl = HandlerDecl(handler: Handler(trigger: trigger, location: location))
        decl.handler.name = optionalString()
        while true {
            if accept(keyword: "comm") {
                let region = try expectName("the communication-buffer region after 'comm'")
                decl.commBuffer = region
                decl.handler.commBuffer = region.text
            } else if current.isSymbol("(") {
                advance()
                if !current.isSymbol(")") {
                    repeat {
                        let name = try expectName("a parameter name")
                        decl.handler.parameters.append(name.text)
                    } while accept(symbol: ",")
                }
                try expect(symbol: ")", " to close the parameter list")
            } else if accept(keyword: "from") {
                repeat {
                    decl.callers.append(try expectName("a principal allowed to call the handler"))
                } while accept(symbol: ",")
            } else {
                break
            }
        }
        decl.handler.body = try statements(&decl, "the handler's body")
        return decl
    }

    private mutating func statements(_ decl: inout HandlerDecl, _ what: String) throws(Diagnostic) -> [Statement] {
        var body: [Statement] = []
        try block(what) { (p: inout Parser) throws(Diagnostic) in body.append(try p.statement(&decl)) }
        return body
    }

    private mutating func statement(_ decl: inout HandlerDecl) throws(Diagnostic) -> Statement {
        let token = current
        let word = try expectName("a statement: require, let, if, copy, write, leak-uninitialised, map, unmap, set-protection, give, call, shutdown or return")
        let location = token.location
        switch word.text {
        case "require":
            return Statement(.require(try expression()), at: location)
        case "let":
            let name = try expectName("a name after 'let'")
            try expect(symbol: "=", " after the name in 'let'")
            return Statement(.assign(name.text, try expression()), at: location)
        case "if":
            let condition = try expression()
            let then = try statements(&decl, "the 'if' branch")
            var otherwise: [Statement] = []
            if accept(keyword: "else") {
                otherwise = current.isKeyword("if") ? [try statement(&decl)] : try statements(&decl, "the 'else' branch")
            }
            return Statement(.conditional(condition, then: then, else: otherwise), at: location)
        case "copy":
            _ = accept(keyword: "from")
            let source = try operand("the source")
            try expect(keyword: "to", " between the source and the destination of 'copy'")
            let destination = try operand("the destination")
            try expect(keyword: "len", " after the destination of 'copy'")
            return Statement(.effect(.copy(from: source, to: destination, length: try expression())), at: location)
        case "write":
            _ = accept(keyword: "to")
            let destination = try operand("the destination")
            try expect(keyword: "len", " after the destination of 'write'")
            return Statement(.effect(.write(to: destination, length: try expression())), at: location)
        case "leak-uninitialised", "leak-uninitialized":
            _ = accept(keyword: "from")
            let region = try expectName("the region whose stale bytes leak (e.g. the hypervisor stack)")
            decl.regionRefs.append(region)
            try expect(keyword: "len", " after the region of 'leak-uninitialised'")
            let length = try expression()
            try expect(keyword: "to", " after the length of 'leak-uninitialised'")
            return Statement(.effect(.leakUninitialised(region: region.text, length: length, to: try operand("the destination"))), at: location)
        case "map", "unmap":
            var principal: Principal?
            if !current.isKeyword("guest") {
                principal = try principalReference(&decl, "the principal whose EPT changes, or 'guest'")
            }
            try expect(keyword: "guest", " before the guest-physical address")
            let gpa = try expression()
            try expect(keyword: "size", " after the guest-physical address")
            let size = try expression()
            if word.text == "unmap" {
                return Statement(.effect(.unmap(principal: principal, gpa: gpa, size: size)), at: location)
            }
            try expect(symbol: "->", " before the host-physical address")
            try expect(keyword: "host", " after '->'")
            let hpa = try expression()
            let rights = try expectPermissions("for the new mapping")
            return Statement(.effect(.map(principal: principal, gpa: gpa, size: size, hpa: hpa, permissions: rights)), at: location)
        case "set-protection":
            let target = try principalReference(&decl, "the lower VTL whose access is restricted (e.g. 'root.vtl0')")
            try expect(keyword: "guest", " before the guest-physical address")
            let gpa = try expression()
            try expect(keyword: "size", " after the guest-physical address")
            let size = try expression()
            let rights = try expectPermissions("that remain")
            return Statement(.effect(.setProtection(target: target, gpa: gpa, size: size, permissions: rights)), at: location)
        case "give":
            let region = try expectName("the region handed over after 'give'")
            decl.regionRefs.append(region)
            try expect(keyword: "to", " after the region")
            let target = try principalReference(&decl, "the principal that receives the region")
            try expect(keyword: "at", " before the guest-physical address it appears at")
            let gpa = try expression()
            var rights: Permissions = [.read, .write]
            if current.identifier.flatMap(Permissions.init(text:)) != nil || current.isSymbol("-") {
                rights = try expectPermissions("for the handed-over region")
            }
            return Statement(.effect(.give(region: region.text, to: target, gpa: gpa, permissions: rights)), at: location)
        case "call":
            return Statement(.effect(.call(try expression())), at: location)
        case "shutdown":
            return Statement(.effect(.shutdown), at: location)
        case "return":
            return Statement(.effect(.returnValue(try expression())), at: location)
        default:
            throw Diagnostic.error(word.location, "unknown statement '\(word.text)'; expected require, let, if, copy, write, leak-uninitialised, map, unmap, set-protection, give, call, shutdown or return")
        }
    }

    /// `guest EXPR`, `host EXPR` or `result`.
    private mutating func operand(_ what: String) throws(Diagnostic) -> Operand {
        if accept(keyword: "guest") { return .guest(try expression()) }
        if accept(keyword: "host") { return .host(try expression()) }
        if accept(keyword: "result") { return .result }
        throw failure("\(what): 'guest ADDRESS', 'host ADDRESS' or 'result'")
    }

    /// A principal written in an effect; resolved by the validator.
    private mutating func principalReference(_ decl: inout HandlerDecl, _ what: String) throws(Diagnostic) -> Principal {
        let name = try expectName(what)
        decl.principalRefs.append(name)
        return Parser.syntacticPrincipal(name.text)
    }

    /// `hypervisor`, `smm`, `P.vtlN`, or a bare name (a partition's VTL 0, or a device).
    static func syntacticPrincipal(_ text: String) -> Principal {
        if text == "hypervisor" { return .hypervisor }
        if text == "smm" { return .smm }
        if let dot = text.lastIndex(of: "."), text[text.index(after: dot)...].hasPrefix("vtl"),
            let level = Int(text[text.index(dot, offsetBy: 4)...])
        {
            return .vtl(partition: String(text[..<dot]), level: level)
        }
        return .partition(text)
    }
}
