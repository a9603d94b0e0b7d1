import Checker
import Foundation
import Machine
import Platform
import Testing

/// Checker bugs the differential test found and that are fixed: each model under `Fixed/` (its
/// header says what the checker said, what the machine says and why) now gets the verdict the
/// machine supports — proved, or an attack of the length the explorer finds, confirmed by
/// replay — and the explorer finds no disagreement on it.
@Suite("Fixed findings")
struct FixedFindingTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixed").path

    /// A model, and the checker's verdict on its one property: proved, or an attack of `steps` steps.
    struct Expected: Sendable, CustomStringConvertible {
        var file: String
        var steps: Int?
        var description: String { file }
    }

    static let all: [Expected] = [
        Expected(file: "effects-run-in-order.moat", steps: nil),
        Expected(file: "result-overwritten.moat", steps: nil),
        // The copy can stop at the end of g2's memory before the `shutdown`: the attack is real.
        Expected(file: "shutdown-ends-the-attack.moat", steps: 3),
        Expected(file: "shutdown-always-ends-the-attack.moat", steps: nil),
        Expected(file: "effects-stop-at-the-first-bad-byte.moat", steps: nil),
        Expected(file: "map-gpa-wraps.moat", steps: 1),
        Expected(file: "caller-without-mappings.moat", steps: nil),
        Expected(file: "smram-read-after-poisoning.moat", steps: nil),
        Expected(file: "staging-adds-a-step.moat", steps: 1),
        Expected(file: "smm-guest-operands-are-physical.moat", steps: 1),
        Expected(file: "smm-physical-source.moat", steps: nil),
        Expected(file: "own-memory-is-the-attackers.moat", steps: 2),
        Expected(file: "handler-plants-code.moat", steps: 2),
        Expected(file: "first-byte-of-an-entry-point.moat", steps: 2),
        Expected(file: "copy-beside-the-entry-point.moat", steps: 3),
        Expected(file: "read-of-overwritten-bytes.moat", steps: 3),
        Expected(file: "remap-needs-the-entry.moat", steps: nil),
    ]

    /// Every model under `Fixed/` has a row.
    @Test func everyFixedModelIsPinned() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory).filter { $0.hasSuffix(".moat") }
        #expect(Set(files) == Set(Self.all.map(\.file)))
    }

    @Test(arguments: all)
    func theCheckerAgreesWithTheMachine(_ expected: Expected) throws {
        let platform = try Platform.load(path: Self.directory + "/" + expected.file).platform
        try #require(platform.properties.count == 1, "\(expected.file): a fixed model states one property")
        let property = try #require(platform.properties.first)
        let verdict = Checker(platform: platform).check(property).verdict
        let wanted = expected.steps.map { "an attack of \($0) steps" } ?? "proved"
        switch verdict {
        case .attack(let trace):
            #expect(trace.steps.count == expected.steps, "\(expected.file): an attack of \(trace.steps.count) steps, expected \(wanted)")
            let validation = Replayer(platform: platform).run(trace).validation
            guard case .confirmed = validation else {
                Issue.record("\(expected.file): the machine does not confirm the attack: \(validation)")
                return
            }
        case .proved:
            #expect(expected.steps == nil, "\(expected.file): proved, expected \(wanted)")
        case .unknown(let reason):
            Issue.record("\(expected.file): unknown (\(reason)), expected \(wanted)")
        }
        let disagreements = DifferentialTests.differential.compare(platform).disagreements
        #expect(disagreements.isEmpty, "\(expected.file): \(disagreements.map { "\($0.kind.rawValue): \($0.detail)" })")
    }
}
