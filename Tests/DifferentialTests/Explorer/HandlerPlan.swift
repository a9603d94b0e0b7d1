@testable import Machine
import Platform

/// How the explorer calls one handler: the role each parameter plays in the body decides
/// its domain of boundary values.
///
/// - an address in a `guest` operand, or where `map`/`give` place a page: the caller's
///   guest-physical addresses that reach the points now, and 0;
/// - an address in a `host` operand or a `call`, added to region `R` (or alone): every
///   point minus `R`'s base (negative offsets wrap, as attacks on range checks need);
/// - a length: 1, 8, 4 KiB and 2^64 − 8;
/// - anything else: 0 and 1;
/// - and, for every role, each constant `c` of the handler with `c − 8` and 2^64 − 8.
///
/// Calls whose leading guards fail, or whose effects would move more than 64 KiB, are
/// not tried.
struct HandlerPlan {
    enum Role: Hashable {
        case guest
        case host(String?)
        case length
        case other
    }

    let handler: Handler
    let roles: [String: Set<Role>]
    let constants: [UInt64]
    /// Leading statements without effects (guards and lets): a call they reject changes nothing.
    let prefix: [Statement]
    /// The lengths of the effects outside conditionals.
    let lengths: [Expr]
    /// The longest effect explored (longer ones cost much and reach no further boundary).
    static let longest: UInt64 = 0x1_0000
    let points: [UInt64]
    let platform: Platform

    init(_ handler: Handler, platform: Platform, points: [UInt64]) {
        self.handler = handler
        self.platform = platform
        self.points = points
        var roles: [String: Set<Role>] = [:]
        var constants = Set<UInt64>()
        func note(_ e: Expr, _ role: Role) {
            for name in e.names { roles[name, default: []].insert(role) }
            collect(e)
        }
        func collect(_ e: Expr) {
            switch e.kind {
            case .number(let n): constants.insert(n)
            case .name, .regionBase, .regionAttribute: break
            case .unary(_, let a): collect(a)
            case .binary(_, let a, let b): collect(a); collect(b)
            case .call(_, let args): args.forEach(collect)
            }
        }
        func base(_ e: Expr) -> String? {
            switch e.kind {
            case .regionBase(let r): r
            case .binary(_, let a, let b): base(a) ?? base(b)
            default: nil
            }
        }
        func operand(_ o: Operand) {
            switch o {
            case .guest(let e): note(e, .guest)
            case .host(let e): note(e, .host(base(e)))
            case .result: break
            }
        }
        func walk(_ body: [Statement]) {
            for s in body {
                switch s.kind {
                case .require(let c): note(c, .other)
                case .assign(_, let v): note(v, .other)
                case .conditional(let c, let t, let e): note(c, .other); walk(t); walk(e)
                case .effect(let effect):
                    switch effect {
                    case .copy(let from, let to, let length): operand(from); operand(to); note(length, .length)
                    case .write(let to, let length): operand(to); note(length, .length)
                    case .leakUninitialised(_, let length, let to): operand(to); note(length, .length)
                    case .map(_, let gpa, let size, let hpa, _): note(gpa, .guest); note(size, .length); note(hpa, .host(base(hpa)))
                    case .unmap(_, let gpa, let size): note(gpa, .guest); note(size, .length)
                    case .setProtection(_, let gpa, let size, _): note(gpa, .guest); note(size, .length)
                    case .give(_, _, let gpa, _): note(gpa, .guest)
                    case .call(let target): note(target, .host(base(target)))
                    case .returnValue(let v): note(v, .other)
                    case .shutdown: break
                    }
                }
            }
        }
        walk(handler.body)
        self.roles = roles
        self.constants = constants.sorted()
        prefix = Array(handler.body.prefix { if case .effect = $0.kind { false } else if case .conditional = $0.kind { false } else { true } })
        lengths = handler.body.compactMap { s -> Expr? in
            guard case .effect(let e) = s.kind else { return nil }
            switch e {
            case .copy(_, _, let l), .write(_, let l), .leakUninitialised(_, let l, _): return l
            default: return nil
            }
        }
    }

    /// Whether `caller` may set the handler off.
    func accepts(_ caller: Principal) -> Bool { handler.callers.isEmpty || handler.callers.contains(caller) }

    /// The boundary values for the parameter `name`, given the caller's guest addresses.
    func domain(_ name: String, guest: [UInt64]) -> [UInt64] {
        var values = Set<UInt64>()
        let roles = self.roles[name] ?? [.other]
        for c in constants {
            values.insert(c)
            if c >= 8 { values.insert(c - 8) }
        }
        for role in roles {
            switch role {
            case .guest: values.formUnion(guest); values.insert(0); values.insert(0 &- 8)
            case .host(let r):
                let base = r.flatMap { platform.region(named: $0)?.base } ?? 0
                for p in points { values.insert(p &- base) }
                values.insert(0 &- 8)
            case .length: values.formUnion([1, 8])
            case .other: values.formUnion([0, 1, 0 &- 8])
            }
        }
        // A length only sets how far an effect reaches; a wrap needs an address, not a huge length.
        if roles == [.length] { values = values.filter { $0 <= 0x1000 } }
        return values.sorted()
    }

    /// Every call of the handler by `caller` with arguments from the domains, whose leading
    /// guards pass.
    func steps(caller: Principal, guest: [UInt64], machine: PlatformMachine) -> [Step] {
        let evaluator = machine.evaluator
        func passes(_ declared: [UInt64], _ implicit: [String: UInt64]) -> Bool {
            var env = PlatformMachine.bind(handler, declared: declared, implicit: implicit)
            for s in prefix {
                switch s.kind {
                case .require(let c): if !evaluator.condition(c, env) { return false }
                case .assign(let n, let v): env[n] = evaluator.value(v, env)
                default: break
                }
            }
            return lengths.allSatisfy { evaluator.value($0, env) <= Self.longest }
        }
        let declared = product(handler.parameters.map { domain($0, guest: guest) })
        var steps: [Step] = []
        switch handler.trigger {
        case .hypercall(let n):
            for args in declared where passes(args, [:]) { steps.append(Step(actor: caller, action: .hypercall(number: n, arguments: args))) }
        case .smi(let n):
            for args in declared where passes(args, [:]) { steps.append(Step(actor: caller, action: .smi(number: n, arguments: args))) }
        case .io(let low, let high, let direction):
            for port in Set([low, high]).sorted() {
                for size: UInt32 in [1, 4] where port + size <= 0x1_0000 {
                    for value in domain("value", guest: guest) where value <= 0xFFFF_FFFF {
                        for write in Self.writes(direction) where passes([], ["port": UInt64(port), "size": UInt64(size), "value": value]) {
                            steps.append(Step(actor: caller, action: .io(port: port, size: size, value: value, write: write)))
                        }
                    }
                }
            }
        case .msr(let low, let high, let direction):
            for msr in Set([low, high]).sorted() {
                for value in domain("value", guest: guest) {
                    for write in Self.writes(direction) where passes([], ["msr": UInt64(msr), "value": value]) {
                        steps.append(Step(actor: caller, action: .msr(index: msr, value: value, write: write)))
                    }
                }
            }
        case .mmio(let gpa, let size, let direction):
            for offset in domain("offset", guest: guest) where offset < size {
                for width: UInt32 in [1, 8] {
                    for value in domain("value", guest: guest) {
                        for write in Self.writes(direction)
                        where passes([], ["gpa": gpa + offset, "offset": offset, "size": UInt64(width), "value": value]) {
                            steps.append(Step(actor: caller, action: .mmio(gpa: gpa + offset, size: width, value: value, write: write)))
                        }
                    }
                }
            }
        case .cpuid:
            for leaf in domain("leaf", guest: guest) where leaf <= 0xFFFF_FFFF {
                for subleaf in domain("subleaf", guest: guest) where subleaf <= 0xFFFF_FFFF && passes([], ["leaf": leaf, "subleaf": subleaf]) {
                    steps.append(Step(actor: caller, action: .cpuid(leaf: UInt32(leaf), subleaf: UInt32(subleaf))))
                }
            }
        }
        return steps
    }

    private static func writes(_ d: Trigger.Direction) -> [Bool] {
        switch d {
        case .read: [false]
        case .write: [true]
        case .both: [false, true]
        }
    }

    private func product(_ domains: [[UInt64]]) -> [[UInt64]] {
        domains.reduce([[]]) { partial, domain in partial.flatMap { prefix in domain.map { prefix + [$0] } } }
    }
}
