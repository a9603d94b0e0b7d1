import Checker
import Foundation
import Machine
import Platform
import Testing

/// Checker bugs the differential test found and that are fixed: each model under `Fixed/` (its
/// header says what the checker said, what the machine says and why) now gets the verdict the
/// machine agrees with, an attack replays, and the explorer finds no disagreement.
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
    ]

    @Test(arguments: all)
    func theCheckerAgreesWithTheMachine(_ expected: Expected) throws {
        let platform = try Platform.load(path: Self.directory + "/" + expected.file).platform
        let property = try #require(platform.properties.first)
        let verdict = Checker(platform: platform).check(property).verdict
        switch (verdict, expected.steps) {
        case (.proved, nil):
            break
        case (.attack(let trace), let steps?):
            #expect(trace.steps.count == steps)
            guard case .confirmed = Replayer(platform: platform).run(trace).validation else {
                Issue.record("the machine refutes the checker's attack on \(expected.file)")
                return
            }
        default:
            Issue.record("\(expected.file): the checker says \(verdict.word)")
        }
        #expect(DifferentialTests.differential.compare(platform).disagreements.isEmpty)
    }
}
