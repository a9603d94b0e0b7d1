import Foundation
@testable import Platform

/// Random handlers: a trigger, up to two parameters, up to two guards (`require x + y <= C`,
/// `within(…)`, `!overlaps(…)`, bounds) and one or two effects (write, copy, leak, map,
/// give, call, shutdown, return).
extension PlatformGenerator {
    mutating func hypervisorTrigger() -> Trigger {
        switch rng.int(0...19) {
        case 0...11: .hypercall(UInt64(rng.int(1...2)))
        case 12...14: .io(low: rng.pick([0x60, 0xCF8]), high: 0, direction: rng.pick([.write, .read, .both])).withHighEqualLow
        case 15...16: .msr(low: 0x800, high: 0x8FF, direction: rng.pick([.write, .read]))
        case 17...18: .cpuid
        default: .mmio(gpa: 0xFEC0_0000, size: 0x1000, direction: rng.pick([.write, .read]))
        }
    }

    private static func v(_ name: String) -> Expr { Expr(.name(name)) }
    private static func n(_ value: UInt64) -> Expr { Expr(.number(value)) }
    private static func base(_ region: String) -> Expr { Expr(.regionBase(region)) }
    private static func op(_ o: BinaryOperator, _ a: Expr, _ b: Expr) -> Expr { Expr(.binary(o, a, b)) }

    /// The values a handler's body can name: its parameters, then the trigger's.
    private func values(of trigger: Trigger, parameters: [String]) -> [String] {
        switch trigger {
        case .hypercall, .smi: parameters
        case .io: ["value", "port"]
        case .msr: ["value", "msr"]
        case .mmio: ["offset", "value"]
        case .cpuid: ["leaf", "subleaf"]
        }
    }

    /// A value for an address or a length: a parameter when there is one, else a constant.
    private mutating func operand(_ names: [String], _ preferred: Int) -> Expr {
        if !names.isEmpty, rng.chance(0.85) { return Self.v(names[min(preferred, names.count - 1)]) }
        return Self.n(rng.pick([0, 0x10, 0x1000]))
    }

    private mutating func length(_ names: [String], trigger: Trigger) -> Expr {
        switch trigger {
        case .io, .mmio: if rng.chance(0.5) { return Self.v("size") }
        default: break
        }
        if names.count > 1, rng.chance(0.4) { return Self.v(names[1]) }
        return Self.n(rng.pick([1, 8, 8, 0x100]))
    }

    mutating func handler(_ trigger: Trigger, inSMM: Bool, partitions: [String], comm: String?) -> Handler {
        var h = Handler(trigger: trigger)
        switch trigger {
        case .hypercall, .smi: h.parameters = Array(["p", "q"].prefix(rng.pick([0, 1, 2, 2, 2])))
        default: break
        }
        h.commBuffer = comm
        let names = values(of: trigger, parameters: h.parameters)
        let regionNames = regions.map(\.name)
        var body: [Statement] = []
        for _ in 0..<rng.pick([0, 1, 1, 2]) where !names.isEmpty {
            body.append(Statement(.require(guardExpr(names, regions: regionNames))))
        }
        for _ in 0..<rng.pick([1, 1, 2]) {
            body.append(Statement(.effect(effect(names, trigger: trigger, inSMM: inSMM, regions: regionNames, partitions: partitions))))
        }
        h.body = body
        return h
    }

    private mutating func guardExpr(_ names: [String], regions: [String]) -> Expr {
        let a = Self.v(names[0])
        let b = names.count > 1 ? Self.v(names[1]) : Self.n(8)
        switch rng.int(0...5) {
        case 0: return Self.op(.le, b, Self.n(rng.pick([8, 0x100, 0x1000])))
        case 1, 2: return Self.op(.le, Self.op(.add, a, b), Self.n(rng.pick([0x1000, 0x4000, 0x1_0000])))
        case 3:
            let r = rng.pick(regions)
            return Expr(.call(.within, [a, b, Self.base(r), Expr(.regionAttribute(r, .size))]))
        case 4:
            let r = rng.pick(regions)
            return Expr(.unary(.not, Expr(.call(.overlaps, [a, b, Self.base(r), Expr(.regionAttribute(r, .size))]))))
        default: return Self.op(.lt, a, Self.n(rng.pick([0x1000, 0x10_0000])))
        }
    }

    private mutating func effect(_ names: [String], trigger: Trigger, inSMM: Bool, regions: [String], partitions: [String]) -> Effect {
        let r = rng.pick(regions)
        let host = Self.op(.add, Self.base(r), operand(names, 0))
        switch rng.int(0...13) {
        case 0, 1: return .copy(from: .guest(operand(names, 0)), to: .host(Self.op(.add, Self.base(r), operand(names, 1))), length: length(names, trigger: trigger))
        case 2, 3: return .copy(from: .host(host), to: .guest(operand(names, 1)), length: length(names, trigger: trigger))
        case 4: return .copy(from: .host(host), to: .result, length: Self.n(8))
        case 5, 6: return .write(to: rng.chance(0.7) ? .host(host) : .guest(operand(names, 0)), length: length(names, trigger: trigger))
        case 7: return .leakUninitialised(region: r, length: length(names, trigger: trigger), to: rng.chance(0.5) ? .result : .guest(operand(names, 0)))
        case 8 where !inSMM:
            return .map(principal: nil, gpa: operand(names, 0), size: Self.n(0x1000), hpa: Self.op(.add, Self.base(r), operand(names, 1)),
                        permissions: rng.pick([[.read], [.read, .write], [.read, .write, .execute]]))
        case 9 where !inSMM && self.regions.contains { $0.kind == .free }:
            let spare = self.regions.first { $0.kind == .free }!.name
            return .give(region: spare, to: .partition(rng.pick(partitions)), gpa: operand(names, 0), permissions: [.read, .write])
        case 10: return .call(rng.chance(0.5) ? host : operand(names, 0))
        case 11: return .shutdown
        case 12: return .returnValue(operand(names, 0))
        default: return .write(to: .host(host), length: length(names, trigger: trigger))
        }
    }
}

private extension Trigger {
    /// An I/O trigger for one port.
    var withHighEqualLow: Trigger {
        if case .io(let low, _, let d) = self { return .io(low: low, high: low, direction: d) }
        return self
    }
}
