import Platform
import SMT

/// A handler's body as SMT: each effect with the path condition under which it runs and its
/// operands as 64-bit terms over the handler's parameters. Arithmetic wraps at 2^64 and
/// comparisons are unsigned, exactly as the language says; `overlaps` and `within` compute
/// on 65 bits so they never wrap.
struct HandlerEncoding {
    enum Place {
        case guest(Term)
        case host(Term)
        case result
    }

    enum Kind {
        case copy(from: Place, to: Place, length: Term)
        case write(to: Place, length: Term)
        case leak(region: String, length: Term, to: Place)
        case map(principal: Principal?, gpa: Term, size: Term, hpa: Term, permissions: Permissions)
        case setProtection(target: Principal, gpa: Term, size: Term, permissions: Permissions)
        case give(region: String, to: Principal, gpa: Term, permissions: Permissions)
        case unmap(principal: Principal?, gpa: Term, size: Term)
        case call(Term)
        case shutdown
        case returnValue
    }

    struct EncodedEffect {
        /// The handler reaches the effect: its guards so far hold, in enclosing branches too (a
        /// `require` that fails in a branch stops the whole handler). That no earlier effect
        /// stopped the handler or shut the platform down is the query's part (`Query.reached`).
        var condition: Term
        var kind: Kind
        var location: SourceLocation
    }

    let handler: Handler
    /// One 64-bit constant per parameter (declared, then implicit), in order.
    let parameters: [(name: String, term: Term)]
    private(set) var effects: [EncodedEffect] = []

    init(_ handler: Handler, platform: Platform, context: Context, prefix: String) {
        self.handler = handler
        let params = handler.allParameters.map { ($0, context.bvConst("\(prefix)_\($0)", width: 64)) }
        self.parameters = params
        var env: [String: Term] = [:]
        for (name, term) in params { env[name] = term }
        var encoder = ExprEncoder(context: context, platform: platform)
        var effects: [EncodedEffect] = []
        Self.walk(handler.body, condition: context.bool(true), env: &env, encoder: &encoder, into: &effects)
        self.effects = effects
    }

    func parameter(_ name: String) -> Term? { parameters.first { $0.name == name }?.term }

    /// Encodes `body` under `condition`; returns the condition under which it runs to its end.
    @discardableResult
    private static func walk(_ body: [Statement], condition: Term, env: inout [String: Term], encoder: inout ExprEncoder, into effects: inout [EncodedEffect]) -> Term {
        var pc = condition
        for statement in body {
            switch statement.kind {
            case .require(let e):
                pc = pc && encoder.condition(e, env)
            case .assign(let name, let e):
                env[name] = encoder.value(e, env)
            case .conditional(let c, let then, let otherwise):
                let cond = encoder.condition(c, env)
                // A branch's names stay in it (the machine runs it on a copy of the environment).
                var thenEnv = env
                let thenEnd = walk(then, condition: pc && cond, env: &thenEnv, encoder: &encoder, into: &effects)
                var elseEnv = env
                let elseEnd = walk(otherwise, condition: pc && !cond, env: &elseEnv, encoder: &encoder, into: &effects)
                pc = thenEnd || elseEnd
            case .effect(let effect):
                effects.append(EncodedEffect(condition: pc, kind: encode(effect, env: env, encoder: &encoder), location: statement.location))
            }
        }
        return pc
    }

    private static func encode(_ effect: Effect, env: [String: Term], encoder: inout ExprEncoder) -> Kind {
        func v(_ e: Expr) -> Term { encoder.value(e, env) }
        func op(_ o: Operand) -> Place {
            switch o {
            case .guest(let e): .guest(v(e))
            case .host(let e): .host(v(e))
            case .result: .result
            }
        }
        switch effect {
        case .copy(let from, let to, let length): return .copy(from: op(from), to: op(to), length: v(length))
        case .write(let to, let length): return .write(to: op(to), length: v(length))
        case .leakUninitialised(let region, let length, let to): return .leak(region: region, length: v(length), to: op(to))
        case .map(let p, let gpa, let size, let hpa, let rights): return .map(principal: p, gpa: v(gpa), size: v(size), hpa: v(hpa), permissions: rights)
        case .setProtection(let target, let gpa, let size, let rights): return .setProtection(target: target, gpa: v(gpa), size: v(size), permissions: rights)
        case .give(let region, let to, let gpa, let rights): return .give(region: region, to: to, gpa: v(gpa), permissions: rights)
        case .unmap(let p, let gpa, let size): return .unmap(principal: p, gpa: v(gpa), size: v(size))
        case .call(let target): return .call(v(target))
        case .shutdown: return .shutdown
        case .returnValue: return .returnValue
        }
    }
}

/// Encodes validated expressions.
struct ExprEncoder {
    let context: Context
    let platform: Platform

    private func bv(_ v: UInt64) -> Term { context.bv(v, width: 64) }

    func value(_ e: Expr, _ env: [String: Term]) -> Term {
        switch e.kind {
        case .number(let n): return bv(n)
        case .name(let n):
            guard let t = env[n] else { preconditionFailure("unresolved name \(n) survived validation") }
            return t
        case .regionBase(let r): return bv(platform.region(named: r)?.base ?? 0)
        case .regionAttribute(let r, let attribute):
            let region = platform.region(named: r)
            switch attribute {
            case .base: return bv(region?.base ?? 0)
            case .size: return bv(region?.size ?? 0)
            case .end: return bv(region?.end ?? 0)
            }
        case .unary(.negate, let x): return -value(x, env)
        case .unary(.bitNot, let x): return ~value(x, env)
        case .binary(let op, let a, let b) where !op.isComparison && !op.isLogical:
            return arithmetic(op, value(a, env), value(b, env))
        case .unary(.not, _), .binary, .call:
            // A condition used as a value cannot pass validation.
            preconditionFailure("a condition where a value was expected: \(e)")
        }
    }

    func condition(_ e: Expr, _ env: [String: Term]) -> Term {
        switch e.kind {
        case .unary(.not, let x): return !condition(x, env)
        case .binary(let op, let a, let b):
            switch op {
            case .and: return condition(a, env) && condition(b, env)
            case .or: return condition(a, env) || condition(b, env)
            case .eq: return value(a, env) .== value(b, env)
            case .ne: return value(a, env) .!= value(b, env)
            case .lt: return value(a, env).ult(value(b, env))
            case .le: return value(a, env).ule(value(b, env))
            case .gt: return value(a, env).ugt(value(b, env))
            case .ge: return value(a, env).uge(value(b, env))
            default: preconditionFailure("a value where a condition was expected: \(e)")
            }
        case .call(let builtin, let args):
            let w = args.map { value($0, env).zeroExtend(by: 1) }
            switch builtin {
            case .overlaps:
                let zero = context.bv(0, width: 65)
                return (w[1] .!= zero) && (w[3] .!= zero) && w[0].ult(w[2] &+ w[3]) && w[2].ult(w[0] &+ w[1])
            case .within:
                return w[0].uge(w[2]) && (w[0] &+ w[1]).ule(w[2] &+ w[3])
            }
        default:
            preconditionFailure("a value where a condition was expected: \(e)")
        }
    }
}

extension ExprEncoder {
    /// Values of binary arithmetic (the parser only builds these where a value is expected).
    func arithmetic(_ op: BinaryOperator, _ a: Term, _ b: Term) -> Term {
        switch op {
        case .add: a &+ b
        case .sub: a &- b
        case .mul: a &* b
        case .bitAnd: a & b
        case .bitOr: a | b
        case .bitXor: a ^ b
        case .shl: a.shl(b)
        case .shr: a.lshr(b)
        default: preconditionFailure("not arithmetic: \(op)")
        }
    }
}
