import Foundation
import Testing

/// `moat export-smt`: the exported queries of every shipped model, re-decided by cvc5 (PyPI
/// `cvc5`), give the answers Z3 gave (`; expect:` before each query).
@Suite struct ExportSMTTests {
    /// Splits an export at `(reset)`, hands each query to cvc5 and compares its answer with the
    /// `; expect:` line; prints one line per disagreement and exits 1 if there is any.
    static let resolve = """
        import sys, cvc5
        text = sys.stdin.read()
        checked = 0
        bad = []
        for block in text.split("(reset)"):
            expect = [l[len("; expect: "):].strip() for l in block.splitlines() if l.startswith("; expect: ")]
            if not expect or expect[0] == "unknown": continue
            tm = cvc5.TermManager(); solver = cvc5.Solver(tm); symbols = cvc5.SymbolManager(tm)
            parser = cvc5.InputParser(solver, symbols)
            parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, block, "query")
            out = ""
            while True:
                command = parser.nextCommand()
                if command.isNull(): break
                out += command.invoke(solver, symbols)
            checked += 1
            if out.strip() != expect[0]:
                bad.append((block.splitlines()[1] if len(block.splitlines()) > 1 else "?", expect[0], out.strip()))
        for label, want, got in bad: print(f"{label}: Z3 said {want}, cvc5 says {got}")
        print(f"{checked} queries re-decided")
        header = [l for l in text.splitlines() if l.endswith("each followed by (reset)")]
        expected = int(header[0].split()[1]) - text.count("; expect: unknown") if header else -1
        if checked != expected: print(f"expected {expected} decidable queries, re-decided {checked}")
        sys.exit(1 if bad or checked != expected else 0)
        """

    /// The first property of a model: its own first one, or its first standard question.
    static func firstProperty(of model: String) throws -> String {
        let text = try String(contentsOf: Moat.root.appendingPathComponent(model), encoding: .utf8)
        if let match = text.firstMatch(of: /(?m)^\s*property\s+"([^"]+)"/) { return String(match.1) }
        let listing = try Moat.run(["export-smt", model, "--property", ""]).stderr
        let line = try #require(listing.split(separator: "\n").first { $0.hasPrefix("  standard: ") })
        return String(line.dropFirst(2))
    }

    @Test(.enabled(if: Python.hasCVC5, "python3 with the cvc5 package is not installed (.ci/run installs it: python3 -m pip install cvc5)"),
          arguments: JSONSchemaTests.models)
    func cvc5AgreesWithTheExportedQueries(model: String) throws {
        let property = try Self.firstProperty(of: model)
        let run = try Moat.run(["export-smt", model, "--property", property])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("; Moat \(model): "))
        let result = try Python.run(["-c", Self.resolve], input: run.stdout)
        #expect(result.status == 0, "\(model) \"\(property)\":\n\(result.output)")
    }

    @Test func outputGoesToAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("moat-\(UUID().uuidString).smt2").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = try Moat.run(["export-smt", "models/two-guests.moat", "--property", "guest1 cannot read guest2", "--output", path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.isEmpty)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("(check-sat)"))
        #expect(text.contains("; expect: unsat"))
    }

    @Test func anUnknownPropertyIsBadInputAndListsTheNames() throws {
        let run = try Moat.run(["export-smt", "models/two-guests.moat", "--property", "no such property"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("has no property named \"no such property\"; expected one of:"))
        #expect(run.stderr.contains("  guest1 cannot read guest2"))
    }
}
