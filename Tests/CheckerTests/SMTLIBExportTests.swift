import Foundation
import Platform
import SMT
import Testing

@testable import Checker

/// The exported queries are complete and faithful: each block re-parsed into a fresh Z3
/// context gives the answer its `; expect:` line records.
@Suite struct SMTLIBExportTests {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("models")

    static func blocks(_ text: String) -> [(expect: String, query: String)] {
        text.components(separatedBy: "(reset)").compactMap { chunk in
            guard let line = chunk.split(separator: "\n").first(where: { $0.hasPrefix("; expect: ") }) else { return nil }
            return (String(line.dropFirst("; expect: ".count)), chunk)
        }
    }

    @Test(arguments: [
        ("hypercall-wrap.moat", "guest1 cannot write the hypervisor"),
        ("hypercall-wrap-fixed.moat", "guest1 cannot write the hypervisor"),
        ("two-guests.moat", "guest1 cannot read guest2"),
        ("overlapping-mapping.moat", "guest1 cannot read guest2"),
        ("smi-comm-buffer-validated.moat", "guest1 cannot write the hypervisor"),
    ])
    func exportedQueriesReDecideTheSame(file: String, name: String) throws {
        let platform = try Platform.load(path: Self.models.appendingPathComponent(file).path).platform
        let property = try #require(platform.properties.first { $0.name == name })
        let text = try Checker(platform: platform).smtlib(for: property)
        let blocks = Self.blocks(text)
        #expect(!blocks.isEmpty)
        for block in blocks {
            #expect(block.query.contains("(set-logic"))
            #expect(block.query.contains("(check-sat)"))
            let context = try Context()
            let solver = try context.makeSolver()
            for term in try context.parseSMTLIB2(block.query) { solver.assert(term) }
            let answer = solver.check()
            let word = answer.isSat ? "sat" : answer.isUnsat ? "unsat" : "unknown"
            #expect(word == block.expect, "\(file): a block expected \(block.expect), re-parsed it is \(word)")
        }
    }

    @Test func aProvedPropertyRestsOnUnsatisfiableQueriesOnly() throws {
        let platform = try Platform.load(path: Self.models.appendingPathComponent("hypercall-wrap-fixed.moat").path).platform
        let text = try Checker(platform: platform).smtlib(for: platform.properties[0])
        let goal = try #require(Self.blocks(text).last)
        #expect(goal.expect == "unsat")
        #expect(Self.blocks(text).contains { $0.query.contains("bvadd") }, "the handler's guard arithmetic is in the export")
    }
}
