import Foundation
@testable import Platform

/// Prints a ``Platform`` as `.moat` text that parses back to the same platform (up to
/// source locations): every expression fully parenthesised, rights without a leading `-`,
/// settings that differ from their defaults only.
struct MoatPrinter {
    let platform: Platform
    private var lines: [String] = []

    init(_ platform: Platform) { self.platform = platform }

    /// The model as text.
    static func print(_ platform: Platform, header: [String] = []) -> String {
        var printer = MoatPrinter(platform)
        printer.lines = header.map { $0.isEmpty ? "#" : "# " + $0 }
        printer.emit()
        return printer.lines.joined(separator: "\n") + "\n"
    }

    private mutating func line(_ depth: Int, _ text: String) { lines.append(String(repeating: "  ", count: depth) + text) }

    private mutating func emit() {
        line(0, "platform \(quoted(platform.name)) {")
        cpu()
        for r in platform.regions {
            var text = "region \(r.name) \(hex(r.base)) size \(hex(r.size))"
            if let owner = r.owner { text += " owner \(principal(owner))" }
            text += " kind \(r.kind)"
            if r.isSecret && r.kind != .secret { text += " secret" }
            line(1, text)
        }
        hypervisor()
        for p in platform.partitions { partition(p) }
        smm()
        for d in platform.devices { device(d) }
        line(0, "}")
        for p in platform.properties {
            let goal: String
            switch p.goal {
            case .read(let t): goal = "read \(target(t))"
            case .write(let t): goal = "write \(target(t))"
            case .exec(let t): goal = "exec \(target(t))"
            case .dos: goal = "dos"
            }
            line(0, "property \(quoted(p.name)) { \(principal(p.attacker)) cannot \(goal) }")
        }
    }

    // MARK: - Names

    private func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    /// A principal: a bare partition name for VTL 0 (what region owners, callers and
    /// attackers read as VTL 0), `P.vtlN` otherwise.
    func principal(_ p: Principal) -> String {
        if case .vtl(let partition, 0) = p { return partition }
        return p.description
    }

    /// A property target: a bare partition name means every VTL, so VTL 0 alone is `P.vtl0`.
    private func target(_ t: Target) -> String {
        switch t {
        case .principal(let p): p.description
        case .partition(let name): name
        case .region(let name): name
        }
    }

    static func rights(_ p: Permissions) -> String {
        let text = (p.contains(.read) ? "r" : "") + (p.contains(.write) ? "w" : "") + (p.contains(.execute) ? "x" : "")
            + (p.contains(.userExecute) ? "u" : "")
        return text.isEmpty ? "none" : text
    }

    private func onOff(_ b: Bool) -> String { b ? "on" : "off" }

    // MARK: - Blocks

    private mutating func cpu() {
        let c = platform.cpu
        let d = CPU()
        var items: [String] = []
        if c.maxPhysAddr != d.maxPhysAddr { items.append("maxphyaddr \(c.maxPhysAddr)") }
        if c.executeOnlyEPT != d.executeOnlyEPT { items.append("execute-only-ept \(onOff(c.executeOnlyEPT))") }
        if c.mbec != d.mbec { items.append("mbec \(onOff(c.mbec))") }
        if c.pages2M != d.pages2M { items.append("pages-2m \(onOff(c.pages2M))") }
        if c.pages1G != d.pages1G { items.append("pages-1g \(onOff(c.pages1G))") }
        if c.eptAccessedDirty != d.eptAccessedDirty { items.append("ept-ad \(onOff(c.eptAccessedDirty))") }
        if c.vmfunc != d.vmfunc { items.append("vmfunc \(onOff(c.vmfunc))") }
        if c.vmcsShadowing != d.vmcsShadowing { items.append("vmcs-shadowing \(onOff(c.vmcsShadowing))") }
        if c.smrrSupported != d.smrrSupported { items.append("smrr \(onOff(c.smrrSupported))") }
        for e in c.errata.sorted(by: { $0.rawValue < $1.rawValue }) { items.append("erratum \(e.rawValue)") }
        if !c.extraMSRs.isEmpty { items.append("msr exists " + c.extraMSRs.map { hex(UInt64($0)) }.joined(separator: " ")) }
        guard !items.isEmpty else { return }
        line(1, "cpu {")
        for item in items { line(2, item) }
        line(1, "}")
    }

    private mutating func partition(_ p: Partition) {
        line(1, "partition \(p.name) kind \(p.kind.rawValue) {")
        if p.hvci { line(2, "hvci on") }
        if p.vtls.count == 1, p.vtls[0].level == 0, p.vtls[0].protections.isEmpty {
            vtlItems(p.vtls[0], depth: 2)
        } else {
            for v in p.vtls {
                line(2, "vtl \(v.level) {")
                vtlItems(v, depth: 3)
                for level in v.protections.keys.sorted() {
                    for pr in v.protections[level]! {
                        line(3, "protect vtl \(level) \(hex(pr.gpa)) size \(hex(pr.size)) \(Self.rights(pr.permissions))")
                    }
                }
                line(2, "}")
            }
        }
        line(1, "}")
    }

    private mutating func vtlItems(_ v: VTL, depth: Int) {
        if let ept = v.eptRegion { line(depth, "ept in \(ept)") }
        for m in v.mappings { line(depth, mapping(m)) }
        vmcs(v.vmcs, depth: depth)
    }

    private func mapping(_ m: Mapping) -> String {
        var text = "map \(hex(m.gpa)) size \(hex(m.size)) -> \(m.target.description) \(Self.rights(m.permissions))"
        if m.pageSize != .size4K { text += " page \(m.pageSize)" }
        return text
    }

    private static func names(_ field: ControlField, _ value: UInt32) -> String {
        let names = field.bits.filter { value >> UInt32($0.value) & 1 == 1 }.sorted { $0.value < $1.value }.map(\.key)
        precondition(names.count == value.nonzeroBitCount, "an unnamed bit in the \(field) controls: \(hex(UInt64(value)))")
        return names.isEmpty ? "none" : names.joined(separator: " ")
    }

    private mutating func vmcs(_ c: VMCSConfig, depth: Int) {
        let d = VMCSConfig()
        var items: [String] = []
        for field in ControlField.allCases where c.value(field) != d.value(field) {
            items.append("\(field) \(Self.names(field, c.value(field)))")
        }
        if let r = c.ioBitmapRegion { items.append("io-bitmap in \(r)") }
        if c.ioDefault != .exit { items.append("io default \(c.ioDefault.rawValue)") }
        for rule in c.ioRules { items.append("io \(rule.action.rawValue) \(Self.range(rule.low, rule.high))") }
        if let r = c.msrBitmapRegion { items.append("msr-bitmap in \(r)") }
        if c.msrDefault != .exit { items.append("msr default \(c.msrDefault.rawValue)") }
        for rule in c.msrRules {
            let access = rule.access.read && rule.access.write ? "" : rule.access.read ? " read" : " write"
            items.append("msr \(rule.action.rawValue)\(access) \(Self.range(rule.low, rule.high))")
        }
        if let f = c.vmfunc {
            items.append("vmfunc\(f.eptpListRegion.map { " eptp-list in \($0)" } ?? "") { \(f.entries.map(principal).joined(separator: " ")) }")
        }
        if let s = c.shadowing {
            var head = "shadowing"
            if let r = s.vmreadBitmapRegion { head += " vmread-bitmap in \(r)" }
            if let r = s.vmwriteBitmapRegion { head += " vmwrite-bitmap in \(r)" }
            var body: [String] = []
            if !s.vmreadPass.isEmpty { body.append("vmread " + s.vmreadPass.map { hex(UInt64($0)) }.joined(separator: " ")) }
            if !s.vmwritePass.isEmpty { body.append("vmwrite " + s.vmwritePass.map { hex(UInt64($0)) }.joined(separator: " ")) }
            items.append("\(head) { \(body.joined(separator: "  ")) }")
        }
        for area in c.msrAreas {
            let head: String = switch area.kind {
            case .entryLoad: "msr-load entry"
            case .exitLoad: "msr-load exit"
            case .exitStore: "msr-store"
            }
            let entries = area.entries.map { area.kind == .exitStore ? hex(UInt64($0.index)) : "\(hex(UInt64($0.index))) = \(hex($0.value))" }
            items.append("\(head)\(area.region.map { " in \($0)" } ?? "") { \(entries.joined(separator: " ")) }")
        }
        guard !items.isEmpty || c.region != nil else { return }
        line(depth, "vmcs\(c.region.map { " in \($0)" } ?? "") {")
        for item in items { line(depth + 1, item) }
        line(depth, "}")
    }

    private static func range(_ low: UInt32, _ high: UInt32) -> String {
        low == high ? hex(UInt64(low)) : "\(hex(UInt64(low)))..\(hex(UInt64(high)))"
    }

    private mutating func hypervisor() {
        let h = platform.hypervisor
        guard !h.handlers.isEmpty || !h.scrubOnFree else { return }
        line(1, "hypervisor {")
        if !h.scrubOnFree { line(2, "scrub-on-free off") }
        for handler in h.handlers { self.handler(handler, depth: 2) }
        line(1, "}")
    }

    private mutating func smm() {
        guard let s = platform.smm else { return }
        line(1, "smm {")
        if let r = s.smram { line(2, "smram \(r)") }
        line(2, "smrr \(onOff(s.smrr))  lock \(onOff(s.locked))  open \(onOff(s.open))")
        line(2, "tseg-dma-protection \(onOff(s.tsegDMAProtection))  code-check \(onOff(s.codeCheck))")
        for handler in s.handlers { self.handler(handler, depth: 2) }
        line(1, "}")
    }

    private mutating func device(_ d: Device) {
        var head = "device \(d.name) assigned to \(principal(d.assignedTo))"
        head += d.iommu ? (d.iommuRegion.map { " iommu in \($0)" } ?? " iommu on") : " iommu off"
        guard !d.mappings.isEmpty else { return line(1, head) }
        line(1, head + " {")
        for m in d.mappings { line(2, mapping(m)) }
        line(1, "}")
    }

    // MARK: - Handlers

    private static func direction(_ d: Trigger.Direction) -> String {
        switch d {
        case .both: ""
        case .read: " read"
        case .write: " write"
        }
    }

    private mutating func handler(_ h: Handler, depth: Int) {
        var head: String = switch h.trigger {
        case .hypercall(let n): "hypercall \(hex(n))"
        case .io(let l, let hi, let d): "exit io \(Self.range(l, hi))\(Self.direction(d))"
        case .msr(let l, let hi, let d): "exit msr \(Self.range(l, hi))\(Self.direction(d))"
        case .mmio(let g, let s, let d): "exit mmio \(hex(g)) size \(hex(s))\(Self.direction(d))"
        case .cpuid: "exit cpuid"
        case .smi(let n): "smi \(hex(UInt64(n)))"
        }
        if let name = h.name { head += " \(quoted(name))" }
        if let comm = h.commBuffer { head += " comm \(comm)" }
        if !h.parameters.isEmpty { head += " (\(h.parameters.joined(separator: ", ")))" }
        if !h.callers.isEmpty { head += " from \(h.callers.map(principal).joined(separator: ", "))" }
        line(depth, head + " {")
        statements(h.body, depth: depth + 1)
        line(depth, "}")
    }

    private mutating func statements(_ body: [Statement], depth: Int) {
        for s in body {
            switch s.kind {
            case .require(let c): line(depth, "require \(Self.expr(c))")
            case .assign(let name, let v): line(depth, "let \(name) = \(Self.expr(v))")
            case .effect(let e): line(depth, effect(e))
            case .conditional(let c, let then, let otherwise):
                line(depth, "if \(Self.expr(c)) {")
                statements(then, depth: depth + 1)
                if otherwise.isEmpty {
                    line(depth, "}")
                } else {
                    line(depth, "} else {")
                    statements(otherwise, depth: depth + 1)
                    line(depth, "}")
                }
            }
        }
    }

    private static func operand(_ o: Operand) -> String {
        switch o {
        case .guest(let e): "guest \(expr(e))"
        case .host(let e): "host \(expr(e))"
        case .result: "result"
        }
    }

    private func effect(_ e: Effect) -> String {
        switch e {
        case .copy(let from, let to, let length): "copy \(Self.operand(from)) to \(Self.operand(to)) len \(Self.expr(length))"
        case .write(let to, let length): "write \(Self.operand(to)) len \(Self.expr(length))"
        case .leakUninitialised(let region, let length, let to): "leak-uninitialised \(region) len \(Self.expr(length)) to \(Self.operand(to))"
        case .map(let p, let gpa, let size, let hpa, let rights):
            "map \(p.map { principal($0) + " " } ?? "")guest \(Self.expr(gpa)) size \(Self.expr(size)) -> host \(Self.expr(hpa)) \(Self.rights(rights))"
        case .unmap(let p, let gpa, let size): "unmap \(p.map { principal($0) + " " } ?? "")guest \(Self.expr(gpa)) size \(Self.expr(size))"
        case .setProtection(let t, let gpa, let size, let rights):
            "set-protection \(t.description) guest \(Self.expr(gpa)) size \(Self.expr(size)) \(Self.rights(rights))"
        case .give(let region, let to, let gpa, let rights): "give \(region) to \(principal(to)) at \(Self.expr(gpa)) \(Self.rights(rights))"
        case .call(let target): "call \(Self.expr(target))"
        case .shutdown: "shutdown"
        case .returnValue(let v): "return \(Self.expr(v))"
        }
    }

    /// An expression, every compound part in parentheses so that precedence cannot change it.
    static func expr(_ e: Expr) -> String {
        switch e.kind {
        case .number(let n): hex(n)
        case .name(let n), .regionBase(let n): n
        case .regionAttribute(let r, let a): "\(r).\(a.rawValue)"
        case .unary(let op, let inner): op.rawValue + "(" + expr(inner) + ")"
        case .binary(let op, let a, let b): "(\(expr(a)) \(op.rawValue) \(expr(b)))"
        case .call(let f, let args): "\(f.rawValue)(\(args.map(expr).joined(separator: ", ")))"
        }
    }
}
