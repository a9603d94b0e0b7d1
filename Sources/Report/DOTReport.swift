import Platform

/// Renders attacks as Graphviz graphs: one `digraph` per model with one cluster per attacked
/// property. In a cluster, the attacker and every other principal that acts are ellipses; each
/// step is a numbered edge, labelled with the step's text, to a box that names the capability
/// gained; the goal is the red octagon at the end. Proved and unknown properties are comments.
public struct DOTReport {
    /// Longest line of a label before it wraps.
    public var wrap: Int

    public init(wrap: Int = 48) {
        self.wrap = wrap
    }

    /// The graph of one model.
    public func render(platform: Platform, results: [PropertyResult]) -> String {
        var out = "// moat attack graph of \(platform.file): platform \"\(platform.name)\"\n"
        out += "digraph \(quote("moat: " + platform.name, wrapping: false)) {\n"
        out += "  graph [rankdir=LR, fontname=\"Helvetica\", label=\(quote("\(platform.name) (\(platform.file))")), labelloc=t];\n"
        out += "  node [fontname=\"Helvetica\", fontsize=10];\n"
        out += "  edge [fontname=\"Helvetica\", fontsize=9];\n"
        var attacks = 0
        for result in results {
            let claim = platform.claim(result.property)
            switch result.verdict {
            case .proved:
                out += "  // proved: \(comment(result.property.name)) — \(comment(claim))\n"
            case .unknown(let reason):
                out += "  // unknown: \(comment(result.property.name)) — \(comment(claim)): \(comment(reason))\n"
            case .attack(let trace):
                attacks += 1
                out += cluster(attacks, result: result, trace: trace, platform: platform)
            }
        }
        if attacks == 0 {
            let proved = results.filter { $0.verdict.word == "proved" }.count
            out += "  none [shape=note, label=\(quote("no attack: \(proved) of \(results.count) propert\(results.count == 1 ? "y" : "ies") proved"))];\n"
        }
        out += "}\n"
        return out
    }

    private func cluster(_ n: Int, result: PropertyResult, trace: Trace, platform: Platform) -> String {
        let id = "a\(n)"
        let attacker = result.property.attacker
        var out = "  subgraph cluster_\(id) {\n"
        let claim = platform.claim(result.property)
        out += "    label=\(quote("attack \(n): \(result.property.name)" + (claim == result.property.name ? "" : "\n(\(claim))")));\n"
        out += "    style=rounded; color=\"#b22222\";\n"
        var principals = [attacker]
        for step in trace.steps where !principals.contains(step.actor) { principals.append(step.actor) }
        for p in principals {
            let style = p == attacker ? ", style=filled, fillcolor=\"#ffe4b5\"" : ""
            out += "    \(ident(node(id, p))) [shape=ellipse, label=\(quote(platform.displayName(p)))\(style)];\n"
        }
        var previous = node(id, attacker)
        for (i, step) in trace.steps.enumerated() {
            let gained = "\(id).s\(i + 1)"
            out += "    \(ident(gained)) [shape=box, style=rounded, label=\(quote(capability(step, platform: platform)))];\n"
            out += "    \(ident(previous)) -> \(ident(gained)) [label=\(quote("\(i + 1). " + TextReport().describe(step, platform: platform)))];\n"
            if step.actor != attacker, previous != node(id, step.actor) {
                out += "    \(ident(node(id, step.actor))) -> \(ident(gained)) [style=dotted, arrowhead=none, label=\"acts\"];\n"
            }
            previous = gained
        }
        let verdict: String
        switch result.validation {
        case .confirmed?: verdict = "confirmed by replay"
        case .refuted(let step, _)?: verdict = "REFUTED by replay at step \(step + 1)"
        case nil: verdict = "not replayed"
        }
        out += "    \(ident("\(id).goal")) [shape=octagon, style=filled, fillcolor=\"#f4cccc\", color=\"#b22222\", label=\(quote("goal: \(platform.displayName(attacker)) can \(result.property.goal)\n(\(verdict))"))];\n"
        out += "    \(ident(previous)) -> \(ident("\(id).goal")) [style=bold, color=\"#b22222\"];\n"
        out += "  }\n"
        return out
    }

    /// What a step gives the attacker, in a few words.
    func capability(_ step: Step, platform: Platform) -> String {
        let actor = platform.displayName(step.actor)
        let place = { (hpa: UInt64) in platform.region(containing: hpa)?.name ?? hex(hpa) }
        switch step.action {
        case .access(let access, _, let hpa, _):
            switch access {
            case .read: return "\(actor) has read \(place(hpa))"
            case .write: return "\(actor) has written \(place(hpa))"
            case .execute: return "\(actor) runs code in \(place(hpa))"
            }
        case .dma(let access, _, let hpa):
            return "\(actor) has DMA-\(access == .read ? "read" : "written") \(place(hpa))"
        case .store(_, let hpa, let value):
            return "\(hex(value)) stored in \(place(hpa))"
        case .remap(let target, let gpa, let hpa, let rights):
            return "\(platform.displayName(target))'s \(target.partition == nil ? "IOMMU" : "EPT") maps \(hex(gpa)) → \(place(hpa)) \(rights)"
        case .hypercall(let number, _):
            let name = platform.hypervisor.handlers.first { $0.trigger == .hypercall(number) }.flatMap(\.name).map { " \"\($0)\"" } ?? ""
            return "hypercall \(hex(number))\(name) has run"
        case .io(let port, _, _, let write):
            return "\(write ? "OUT to" : "IN from") port \(hex(UInt64(port))) reached hardware"
        case .msr(let index, _, let write):
            return "\(write ? "WRMSR" : "RDMSR") \(hex(UInt64(index))) done"
        case .cpuid:
            return "CPUID exit handled"
        case .mmio(let gpa, _, _, _):
            return "MMIO at \(hex(gpa)) emulated"
        case .smi(let number, _):
            return "SMI \(hex(UInt64(number))) handled in SMM"
        case .vmfunc(let index):
            return "\(actor) runs on EPTP-list entry \(index)"
        case .vmwrite(let field, let value):
            return "VMCS field \(hex(UInt64(field))) = \(hex(value))"
        case .reenter:
            return "\(actor) re-entered"
        case .flipPageSize(let gpa):
            return "page size at \(hex(gpa)) flipped"
        }
    }

    private func node(_ cluster: String, _ principal: Principal) -> String { "\(cluster).\(principal)" }

    /// A node or graph identifier: quoted, never wrapped.
    private func ident(_ text: String) -> String { quote(text, wrapping: false) }

    /// A DOT quoted string: backslashes and quotes escaped, newlines as `\n`, long lines wrapped.
    func quote(_ text: String, wrapping: Bool = true) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).flatMap { wrapping ? wrapped(String($0)) : [String($0)] }
        let escaped = lines.map { $0.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") }
        return "\"" + escaped.joined(separator: "\\n") + "\""
    }

    private func wrapped(_ line: String) -> [String] {
        guard line.count > wrap else { return [line] }
        var result: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty, current.count + 1 + word.count > wrap {
                result.append(current)
                current = String(word)
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        result.append(current)
        return result
    }

    /// Text safe inside a `//` comment: one line.
    private func comment(_ text: String) -> String {
        text.replacing("\n", with: " ")
    }
}
