extension Validator {
    mutating func hypervisor() -> Hypervisor {
        guard let decl = file.hypervisor else { return Hypervisor() }
        var hv = decl.hypervisor
        hv.handlers = handlers(decl.handlers, context: "the hypervisor")
        return hv
    }

    mutating func smm() -> SMM? {
        guard let decl = file.smm else { return nil }
        var smm = decl.smm
        if let name = decl.smram {
            if let region = regionNamed(name, "SMRAM") {
                if region.kind?.text != RegionKind.smram.rawValue {
                    error(name.location, "region '\(name.text)' is SMRAM but is of kind \(region.kind?.text ?? "data"); expected kind smram")
                }
            }
        } else {
            error(smm.location, "the smm block names no SMRAM; expected 'smram REGION'")
        }
        if smm.locked && smm.open {
            warning(smm.location, "'open on' with 'lock on': D_LCK forces D_OPEN to 0, so SMRAM starts closed")
            smm.open = false
        }
        if smm.smrr && !cpu.smrrSupported {
            error(smm.location, "'smrr on' on a CPU without SMRR; expected 'smrr off' or 'smrr on' in the cpu block")
        }
        smm.handlers = handlers(decl.handlers, context: "SMM")
        return smm
    }

    private mutating func handlers(_ decls: [HandlerDecl], context: String) -> [Handler] {
        var seen: [Trigger: SourceLocation] = [:]
        var result: [Handler] = []
        for decl in decls {
            var h = decl.handler
            if let earlier = seen[h.trigger] {
                error(h.location, "\(context) already has a handler for \(h.trigger) at \(earlier); expected one handler per trigger")
                continue
            }
            seen[h.trigger] = h.location
            switch h.trigger {
            case .io(let low, let high, _) where high < low,
                .msr(let low, let high, _) where high < low:
                error(h.location, "empty range in \(h.trigger)")
            case .mmio(let gpa, let size, _):
                let (end, overflow) = gpa.addingReportingOverflow(size)
                if size == 0 || overflow || end > Validator.addressLimit {
                    error(h.location, "MMIO range [\(hex(gpa)), +\(hex(size))) is empty or ends past 2^52; expected a range below 0x10000000000000")
                }
            default: break
            }
            var duplicates = Set<String>()
            for p in h.parameters where !duplicates.insert(p).inserted {
                error(h.location, "parameter '\(p)' is declared twice in \(h.title); expected distinct names")
            }
            for p in h.parameters where regionsByName[p] != nil {
                error(h.location, "parameter '\(p)' of \(h.title) has the name of a region; expected another name")
            }
            h.callers = decl.callers.compactMap { principal($0, "a caller of \(h.title)") }
            if let comm = decl.commBuffer { _ = regionNamed(comm, "the communication buffer of \(h.title)") }
            for r in decl.regionRefs { _ = regionNamed(r, "a region used by \(h.title)") }
            var resolvedPrincipals: [String: Principal] = [:]
            for name in decl.principalRefs {
                if let p = principal(name, "a principal in \(h.title)") { resolvedPrincipals[name.text] = p }
            }
            var scope = Set(h.allParameters)
            h.body = statements(h.body, scope: &scope, handler: h, principals: resolvedPrincipals)
            result.append(h)
        }
        return result
    }

    private mutating func statements(_ body: [Statement], scope: inout Set<String>, handler: Handler, principals: [String: Principal]) -> [Statement] {
        body.map { statement($0, scope: &scope, handler: handler, principals: principals) }
    }

    private mutating func statement(_ s: Statement, scope: inout Set<String>, handler h: Handler, principals: [String: Principal]) -> Statement {
        var s = s
        switch s.kind {
        case .require(let e):
            s.kind = .require(condition(e, scope: scope, handler: h, "'require'"))
        case .assign(let name, let e):
            if scope.contains(name) || regionsByName[name] != nil {
                error(s.location, "'let \(name)' shadows a parameter, name or region of \(h.title); expected a new name")
            }
            s.kind = .assign(name, value(e, scope: scope, handler: h, "'let \(name)'"))
            scope.insert(name)
        case .conditional(let c, let then, let otherwise):
            let cond = condition(c, scope: scope, handler: h, "'if'")
            var inner = scope
            let t = statements(then, scope: &inner, handler: h, principals: principals)
            var inner2 = scope
            let o = statements(otherwise, scope: &inner2, handler: h, principals: principals)
            s.kind = .conditional(cond, then: t, else: o)
        case .effect(let effect):
            s.kind = .effect(self.effect(effect, at: s.location, scope: scope, handler: h, principals: principals))
        }
        return s
    }

    private mutating func effect(_ effect: Effect, at location: SourceLocation, scope: Set<String>, handler h: Handler, principals: [String: Principal]) -> Effect {
        func v(_ e: Expr, _ what: String, _ me: inout Validator) -> Expr { me.value(e, scope: scope, handler: h, what) }
        func op(_ o: Operand, _ me: inout Validator) -> Operand {
            switch o {
            case .guest(let e): .guest(me.value(e, scope: scope, handler: h, "an address"))
            case .host(let e): .host(me.value(e, scope: scope, handler: h, "an address"))
            case .result: .result
            }
        }
        func resolve(_ p: Principal?) -> Principal? {
            guard let p else { return nil }
            if case .vtl(let name, let level) = p, level == 0, let r = principals[name] { return r }
            return principals[p.description] ?? p
        }
        switch effect {
        case .copy(let from, let to, let length):
            if case .result = from { error(location, "'copy' cannot read from 'result'; expected 'guest ADDRESS' or 'host ADDRESS' as the source") }
            return .copy(from: op(from, &self), to: op(to, &self), length: v(length, "the length", &self))
        case .write(let to, let length):
            return .write(to: op(to, &self), length: v(length, "the length", &self))
        case .leakUninitialised(let region, let length, let to):
            return .leakUninitialised(region: region, length: v(length, "the length", &self), to: op(to, &self))
        case .map(let p, let gpa, let size, let hpa, let rights):
            if rights.isWriteWithoutRead { error(location, "rights '\(rights)' grant write without read: an EPT misconfiguration; expected read with write") }
            return .map(principal: resolve(p), gpa: v(gpa, "the address", &self), size: v(size, "the size", &self), hpa: v(hpa, "the address", &self), permissions: rights)
        case .unmap(let p, let gpa, let size):
            return .unmap(principal: resolve(p), gpa: v(gpa, "the address", &self), size: v(size, "the size", &self))
        case .setProtection(let target, let gpa, let size, let rights):
            let t = resolve(target) ?? target
            if t.partition == nil { error(location, "'set-protection' restricts a VTL; expected 'PARTITION.vtlN', found '\(t)'") }
            if rights.isWriteWithoutRead { error(location, "rights '\(rights)' grant write without read, which EPT cannot express; expected read with write") }
            return .setProtection(target: t, gpa: v(gpa, "the address", &self), size: v(size, "the size", &self), permissions: rights)
        case .give(let region, let to, let gpa, let rights):
            let t = resolve(to) ?? to
            if t.partition == nil { error(location, "'give' hands a region to a partition; expected a partition or 'PARTITION.vtlN', found '\(t)'") }
            return .give(region: region, to: t, gpa: v(gpa, "the address", &self), permissions: rights)
        case .call(let target):
            return .call(v(target, "the call target", &self))
        case .shutdown:
            return .shutdown
        case .returnValue(let e):
            return .returnValue(v(e, "the returned value", &self))
        }
    }

    /// Resolves names and checks that the expression is a 64-bit value.
    mutating func value(_ e: Expr, scope: Set<String>, handler: Handler, _ what: String) -> Expr {
        let resolved = resolve(e, scope: scope, handler: handler)
        if resolved.isBoolean {
            error(e.location, "\(what) in \(handler.title) is a condition; expected a 64-bit value")
        }
        return resolved
    }

    /// Resolves names and checks that the expression is a condition.
    mutating func condition(_ e: Expr, scope: Set<String>, handler: Handler, _ what: String) -> Expr {
        let resolved = resolve(e, scope: scope, handler: handler)
        if !resolved.isBoolean {
            error(e.location, "the condition of \(what) in \(handler.title) is a value; expected a comparison such as 'len <= 0x1000' or a built-in such as within(…)")
        }
        return resolved
    }

    private mutating func resolve(_ e: Expr, scope: Set<String>, handler h: Handler) -> Expr {
        var e = e
        switch e.kind {
        case .number, .regionBase, .regionAttribute:
            break
        case .name(let name):
            if scope.contains(name) { break }
            if regionsByName[name] != nil {
                e.kind = .regionBase(name)
                break
            }
            if let dot = name.lastIndex(of: "."), let attribute = RegionAttribute(rawValue: String(name[name.index(after: dot)...])),
                regionsByName[String(name[..<dot])] != nil
            {
                let region = String(name[..<dot])
                e.kind = attribute == .base ? .regionBase(region) : .regionAttribute(region, attribute)
                break
            }
            var hint = suggestion(name, among: Array(scope) + Array(regionsByName.keys))
            if name.contains("-") {
                let parts = name.split(separator: "-").map(String.init)
                if parts.allSatisfy({ scope.contains($0) || regionsByName[$0] != nil || UInt64($0) != nil }) {
                    hint = " (for subtraction write '\(parts.joined(separator: " - "))' with spaces)"
                }
            }
            let known = (h.allParameters + scope.subtracting(h.allParameters).sorted())
            error(e.location, "unknown name '\(name)' in \(h.title); expected a parameter (\(known.isEmpty ? "it declares none" : known.joined(separator: ", "))) or a region\(hint)")
        case .unary(let op, let inner):
            let r = resolve(inner, scope: scope, handler: h)
            if op == .not, !r.isBoolean {
                error(inner.location, "'!' negates a condition; expected a comparison, found a value (use '~' for bitwise not)")
            } else if op != .not, r.isBoolean {
                error(inner.location, "'\(op.rawValue)' applies to a value; expected a 64-bit value, found a condition")
            }
            e.kind = .unary(op, r)
        case .binary(let op, let a, let b):
            let ra = resolve(a, scope: scope, handler: h)
            let rb = resolve(b, scope: scope, handler: h)
            for side in [ra, rb] {
                if op.isLogical, !side.isBoolean {
                    error(side.location, "'\(op.rawValue)' joins conditions; expected a comparison, found the value \(side)")
                } else if !op.isLogical, side.isBoolean {
                    error(side.location, "'\(op.rawValue)' applies to 64-bit values; expected a value, found the condition \(side)")
                }
            }
            e.kind = .binary(op, ra, rb)
        case .call(let builtin, let args):
            var resolved = args.map { resolve($0, scope: scope, handler: h) }
            if resolved.count == 3, case .regionBase(let region) = resolved[2].kind {
                resolved[2] = Expr(.regionBase(region), at: resolved[2].location)
                resolved.append(Expr(.regionAttribute(region, .size), at: resolved[2].location))
            }
            if resolved.count != 4 {
                error(e.location, "\(builtin.rawValue) takes (address, length, REGION) or (address, length, base, length); found \(args.count) arguments")
            }
            for arg in resolved where arg.isBoolean {
                error(arg.location, "the arguments of \(builtin.rawValue) are 64-bit values; found the condition \(arg)")
            }
            e.kind = .call(builtin, resolved)
        }
        return e
    }
}
