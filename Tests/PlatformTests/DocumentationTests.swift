import Foundation
import Testing
@testable import Platform

/// The fenced code blocks of a Markdown text whose info string is exactly `language`.
private func fencedBlocks(_ markdown: String, language: String) -> [(line: Int, text: String)] {
    var blocks: [(Int, String)] = []
    var current: [String]?
    var start = 0
    for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        if current == nil, line == "```\(language)" {
            current = []
            start = index + 2
        } else if current != nil, line == "```" {
            blocks.append((start, current!.joined(separator: "\n")))
            current = nil
        } else if current != nil {
            current!.append(String(line))
        }
    }
    return blocks
}

/// The rows `| bit | `name` | … |` between `<!-- controls: FIELD -->` and `<!-- /controls -->`.
private func documentedControls(_ markdown: String, field: ControlField) -> [String: Int] {
    guard let start = markdown.range(of: "<!-- controls: \(field.rawValue) -->"),
        let end = markdown.range(of: "<!-- /controls -->", range: start.upperBound..<markdown.endIndex)
    else { return [:] }
    var result: [String: Int] = [:]
    for line in markdown[start.upperBound..<end.lowerBound].split(separator: "\n") {
        let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        guard cells.count >= 2, let bit = Int(cells[0]), cells[1].hasPrefix("`"), cells[1].hasSuffix("`") else { continue }
        result[String(cells[1].dropFirst().dropLast())] = bit
    }
    return result
}

@Suite("Documentation and example models")
struct DocumentationTests {
    static let language: String = (try? Repository.text("docs/language.md")) ?? ""

    @Test func theLanguageReferenceExists() {
        #expect(!Self.language.isEmpty)
    }

    @Test func everyMoatExampleInTheReferenceIsACompleteValidPlatform() throws {
        let blocks = fencedBlocks(Self.language, language: "moat")
        #expect(blocks.count >= 15)
        for (line, text) in blocks {
            #expect(text.contains("platform \""), "the example at docs/language.md:\(line) is not a complete platform")
            let outcome = Outcome(text, file: "docs/language.md@\(line)")
            #expect(outcome.platform != nil, "docs/language.md:\(line): \(outcome.diagnostics.map(\.description))")
            #expect(outcome.diagnostics.isEmpty, "docs/language.md:\(line): \(outcome.diagnostics.map(\.description))")
        }
    }

    @Test(arguments: ControlField.allCases)
    func theControlTablesMatchVMXControls(field: ControlField) {
        #expect(documentedControls(Self.language, field: field) == field.bits)
    }

    @Test func theDefaultsTableMatchesVMCSConfig() {
        let defaults = VMCSConfig()
        for field in ControlField.allCases {
            let hexValue = String(defaults.value(field), radix: 16, uppercase: true)
            let padded = String(repeating: "0", count: 8 - hexValue.count) + hexValue
            let written = "0x" + padded.prefix(4) + "_" + padded.suffix(4)
            let encoding = "0x" + String(field.encoding, radix: 16, uppercase: true)
            #expect(Self.language.contains("| `\(field.rawValue)` | \(encoding) | \(written) |"), "\(field): \(encoding) \(written)")
        }
    }

    @Test func everyRegionKindErratumAndStatementIsDocumented() {
        for kind in RegionKind.allCases {
            #expect(Self.language.contains("| `\(kind.rawValue)` |"), "\(kind)")
        }
        for erratum in Erratum.allCases {
            #expect(Self.language.contains("| `\(erratum.rawValue)` |"), "\(erratum)")
        }
        for statement in ["require", "let", "if", "copy", "write", "leak-uninitialised", "map", "unmap", "set-protection", "give", "call", "shutdown", "return"] {
            #expect(Self.language.contains("| `\(statement) ") || Self.language.contains("| `\(statement)` |"), "\(statement)")
        }
        for op in BinaryOperator.allCases {
            let escaped = op.rawValue.replacingOccurrences(of: "|", with: "\\|")
            #expect(Self.language.contains("`\(escaped)`"), "\(op)")
        }
    }

    @Test func theExampleModelsLoad() throws {
        for name in ["two-guests", "overlapping-mapping", "every-construct"] {
            let (platform, warnings) = try Platform.load(path: Repository.path("models/\(name).moat"))
            #expect(warnings.isEmpty, "\(name): \(warnings)")
            #expect(!platform.properties.isEmpty)
        }
    }

    /// `models/every-construct.moat` must really use every construct of the language.
    @Test func everyConstructUsesEveryConstruct() throws {
        let (p, warnings) = try Platform.load(path: Repository.path("models/every-construct.moat"))
        #expect(warnings.isEmpty)

        // Regions: every kind, every kind of owner, secrets.
        #expect(Set(p.regions.map(\.kind)) == Set(RegionKind.allCases))
        let owners = p.regions.map(\.owner)
        #expect(owners.contains(.hypervisor) && owners.contains(.smm) && owners.contains(nil))
        #expect(owners.contains { if case .device = $0 { true } else { false } })
        #expect(owners.contains { if case .vtl(_, 1) = $0 { true } else { false } })
        #expect(p.regions.contains { $0.isSecret && $0.kind != .secret })

        // CPU: every setting written (the values differ from nothing in particular, so check what the file says).
        #expect(p.cpu.maxPhysAddr == 46 && !p.cpu.eptAccessedDirty)
        #expect(p.cpu.errata == Set(Erratum.allCases))
        #expect(p.cpu.extraMSRs == [0x1A0, 0x1A4])

        // Partitions, VTLs, mappings.
        #expect(Set(p.partitions.map(\.kind)) == [.root, .guest])
        #expect(p.partitions.contains { $0.hvci })
        let vtls = p.partitions.flatMap(\.vtls)
        #expect(Set(vtls.map(\.level)) == [0, 1])
        #expect(vtls.contains { !$0.protections.isEmpty })
        #expect(vtls.contains { $0.eptRegion != nil })
        let mappings = vtls.flatMap(\.mappings) + p.devices.flatMap(\.mappings)
        #expect(Set(mappings.map(\.pageSize)) == Set(PageSize.allCases))
        #expect(mappings.contains { if case .host = $0.target { true } else { false } })
        #expect(mappings.contains { if case .region(_, let offset) = $0.target { offset > 0 } else { false } })
        let rights = Set(mappings.map(\.permissions))
        #expect(rights.contains(.none) && rights.contains(.execute) && rights.contains { $0.contains(.userExecute) })

        // VMCS: every field, every structure, every rule form.
        let configs = vtls.map(\.vmcs)
        #expect(Set(configs.flatMap(\.settings).map(\.field)) == Set(ControlField.allCases))
        let root = try #require(p.partition(named: "root"))
        #expect(root.vtl(1)?.vmcs.value(.pin) == 1 << 0 | 1 << 3, "VTL 1 inherits the partition-level VMCS")
        let full = try #require(root.vtl(0)?.vmcs)
        #expect(full.region != nil && full.ioBitmapRegion != nil && full.msrBitmapRegion != nil)
        #expect(full.ioDefault == .pass && Set(full.ioRules.map(\.action)) == [.pass, .exit])
        #expect(full.msrDefault == .exit && Set(full.msrRules.map(\.action)) == [.pass, .exit])
        #expect(Set(full.msrRules.map(\.access)) == [.init(read: true, write: false), .init(read: false, write: true), .init(read: true, write: true)])
        #expect(full.vmfunc?.eptpListRegion != nil && full.vmfunc?.entries.count == 2 && full.vmfuncEnabled)
        #expect(full.shadowing?.vmreadBitmapRegion != nil && full.shadowing?.vmwriteBitmapRegion != nil && full.shadowingEnabled)
        #expect(Set(full.msrAreas.map(\.kind)) == Set(MSRArea.Kind.allCases))
        #expect(full.mbecEnabled)

        // Handlers: every trigger kind, direction, clause, statement, operand and operator.
        let handlers = p.hypervisor.handlers + (p.smm?.handlers ?? [])
        var triggers = Set<String>()
        var directions = Set<Trigger.Direction>()
        for h in handlers {
            switch h.trigger {
            case .hypercall: triggers.insert("hypercall")
            case .io(_, _, let d): triggers.insert("io"); directions.insert(d)
            case .msr(_, _, let d): triggers.insert("msr"); directions.insert(d)
            case .mmio(_, _, let d): triggers.insert("mmio"); directions.insert(d)
            case .cpuid: triggers.insert("cpuid")
            case .smi: triggers.insert("smi")
            }
        }
        #expect(triggers == ["hypercall", "io", "msr", "mmio", "cpuid", "smi"])
        #expect(directions == [.read, .write, .both])
        #expect(handlers.contains { $0.name != nil } && handlers.contains { $0.commBuffer != nil })
        #expect(handlers.contains { !$0.parameters.isEmpty } && handlers.contains { !$0.callers.isEmpty } && handlers.contains { $0.callers.isEmpty })

        var statements = Set<String>()
        var operands = Set<String>()
        var expressions = Set<String>()
        func visit(_ e: Expr) {
            switch e.kind {
            case .number: expressions.insert("number")
            case .name: expressions.insert("name")
            case .regionBase: expressions.insert("region")
            case .regionAttribute(_, let a): expressions.insert("region.\(a)")
            case .unary(let op, let x): expressions.insert("unary \(op.rawValue)"); visit(x)
            case .binary(let op, let a, let b): expressions.insert(op.rawValue); visit(a); visit(b)
            case .call(let f, let args): expressions.insert(f.rawValue); args.forEach(visit)
            }
        }
        func visit(_ o: Operand) {
            switch o {
            case .guest(let e): operands.insert("guest"); visit(e)
            case .host(let e): operands.insert("host"); visit(e)
            case .result: operands.insert("result")
            }
        }
        func visit(_ s: Statement) {
            switch s.kind {
            case .require(let e): statements.insert("require"); visit(e)
            case .assign(_, let e): statements.insert("let"); visit(e)
            case .conditional(let c, let then, let otherwise):
                statements.insert(otherwise.first.map { if case .conditional = $0.kind { "else if" } else { "else" } } ?? "if")
                visit(c); then.forEach(visit); otherwise.forEach(visit)
            case .effect(let effect):
                switch effect {
                case .copy(let f, let t, let l): statements.insert("copy"); visit(f); visit(t); visit(l)
                case .write(let t, let l): statements.insert("write"); visit(t); visit(l)
                case .leakUninitialised(_, let l, let t): statements.insert("leak-uninitialised"); visit(l); visit(t)
                case .map(let p, let g, let s, let h, _): statements.insert(p == nil ? "map" : "map P"); [g, s, h].forEach(visit)
                case .unmap(_, let g, let s): statements.insert("unmap"); visit(g); visit(s)
                case .setProtection(_, let g, let s, _): statements.insert("set-protection"); visit(g); visit(s)
                case .give(_, _, let g, let r): statements.insert(r == [.read, .write] ? "give" : "give RIGHTS"); visit(g)
                case .call(let e): statements.insert("call"); visit(e)
                case .shutdown: statements.insert("shutdown")
                case .returnValue(let e): statements.insert("return"); visit(e)
                }
            }
        }
        handlers.flatMap(\.body).forEach(visit)
        #expect(statements == ["require", "let", "if", "else", "else if", "copy", "write", "leak-uninitialised", "map", "map P", "unmap", "set-protection", "give", "give RIGHTS", "call", "shutdown", "return"], "\(statements)")
        #expect(operands == ["guest", "host", "result"])
        let wanted = Set(BinaryOperator.allCases.map(\.rawValue) + ["unary -", "unary ~", "unary !", "overlaps", "within", "number", "name", "region", "region.size", "region.end"])
        #expect(wanted.subtracting(expressions).isEmpty, "missing: \(wanted.subtracting(expressions))")
        // Both forms of the built-ins (with a region, and with base and length) appear in the source.
        let source = try Repository.text("models/every-construct.moat")
        #expect(source.contains("within(gpa, pages * 4K, 0x0, 1G)") && source.contains("overlaps(src, len, hv.keys)"))

        // SMM, devices, properties.
        let smm = try #require(p.smm)
        #expect(smm.smram != nil && smm.handlers.count == 2)
        #expect(p.devices.contains { !$0.iommu } && p.devices.contains { $0.iommuRegion != nil } && p.devices.contains { $0.iommu && $0.iommuRegion == nil })
        #expect(Set(p.properties.map(\.goal.verb)) == ["read", "write", "exec", "dos"])
        let targets = p.properties.compactMap(\.goal.target)
        #expect(targets.contains { if case .region = $0 { true } else { false } })
        #expect(targets.contains { if case .partition = $0 { true } else { false } })
        for principal in [Principal.hypervisor, .smm, .vtl(partition: "root", level: 1), .device("pci.nic")] {
            #expect(targets.contains(.principal(principal)), "\(principal)")
        }
        #expect(p.properties.contains { if case .device = $0.attacker { true } else { false } })
        #expect(p.properties.contains { $0.goal == .exec(.principal($0.attacker)) }, "a code-integrity property")
        // One property inside the platform block (indented), the others after it.
        #expect(p.properties.map(\.location.column) == [3] + Array(repeating: 1, count: p.properties.count - 1))
    }
}
