import Foundation
@testable import Platform

/// A platform without what parsing adds and generation does not: source locations, the
/// file name, and the record of which control names a VMCS line spelled.
extension Platform {
    var normalized: Platform {
        var p = self
        p.file = "<memory>"
        p.location = .synthetic
        p.cpu.location = .synthetic
        p.regions = regions.map { var r = $0; r.location = .synthetic; return r }
        p.hypervisor.location = .synthetic
        p.hypervisor.handlers = hypervisor.handlers.map(\.normalized)
        p.partitions = partitions.map { partition in
            var q = partition
            q.location = .synthetic
            q.vtls = partition.vtls.map(\.normalized)
            return q
        }
        if var s = smm {
            s.location = .synthetic
            s.handlers = s.handlers.map(\.normalized)
            p.smm = s
        }
        p.devices = devices.map { d in
            var e = d
            e.location = .synthetic
            e.mappings = d.mappings.map(\.normalized)
            return e
        }
        p.properties = properties.map { var q = $0; q.location = .synthetic; return q }
        return p
    }
}

extension Mapping {
    var normalized: Mapping { var m = self; m.location = .synthetic; return m }
}

extension VTL {
    var normalized: VTL {
        var v = self
        v.location = .synthetic
        v.mappings = mappings.map(\.normalized)
        v.protections = protections.mapValues { $0.map { var p = $0; p.location = .synthetic; return p } }
        var c = vmcs
        c.location = .synthetic
        c.settings = []
        c.ioRules = c.ioRules.map { var r = $0; r.location = .synthetic; return r }
        c.msrRules = c.msrRules.map { var r = $0; r.location = .synthetic; return r }
        c.msrAreas = c.msrAreas.map { var a = $0; a.location = .synthetic; return a }
        if var f = c.vmfunc { f.location = .synthetic; c.vmfunc = f }
        if var s = c.shadowing { s.location = .synthetic; c.shadowing = s }
        v.vmcs = c
        return v
    }
}

extension Handler {
    var normalized: Handler {
        var h = self
        h.location = .synthetic
        h.body = body.map(\.normalized)
        return h
    }
}

extension Statement {
    var normalized: Statement {
        let kind: Kind = switch self.kind {
        case .require(let c): .require(c.normalized)
        case .assign(let n, let v): .assign(n, v.normalized)
        case .effect(let e): .effect(e.normalized)
        case .conditional(let c, let t, let e): .conditional(c.normalized, then: t.map(\.normalized), else: e.map(\.normalized))
        }
        return Statement(kind)
    }
}

extension Operand {
    var normalized: Operand {
        switch self {
        case .guest(let e): .guest(e.normalized)
        case .host(let e): .host(e.normalized)
        case .result: .result
        }
    }
}

extension Effect {
    var normalized: Effect {
        switch self {
        case .copy(let f, let t, let l): .copy(from: f.normalized, to: t.normalized, length: l.normalized)
        case .write(let t, let l): .write(to: t.normalized, length: l.normalized)
        case .leakUninitialised(let r, let l, let t): .leakUninitialised(region: r, length: l.normalized, to: t.normalized)
        case .map(let p, let g, let s, let h, let r): .map(principal: p, gpa: g.normalized, size: s.normalized, hpa: h.normalized, permissions: r)
        case .unmap(let p, let g, let s): .unmap(principal: p, gpa: g.normalized, size: s.normalized)
        case .setProtection(let t, let g, let s, let r): .setProtection(target: t, gpa: g.normalized, size: s.normalized, permissions: r)
        case .give(let r, let to, let g, let p): .give(region: r, to: to, gpa: g.normalized, permissions: p)
        case .call(let e): .call(e.normalized)
        case .shutdown: .shutdown
        case .returnValue(let e): .returnValue(e.normalized)
        }
    }
}

extension Expr {
    var normalized: Expr {
        let kind: Kind = switch self.kind {
        case .number, .name, .regionBase, .regionAttribute: self.kind
        case .unary(let op, let e): .unary(op, e.normalized)
        case .binary(let op, let a, let b): .binary(op, a.normalized, b.normalized)
        case .call(let f, let args): .call(f, args.map(\.normalized))
        }
        return Expr(kind)
    }
}
