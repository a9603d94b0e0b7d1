import Checker
import Foundation
import Machine
import Platform
import Testing

/// Findings the checker no longer shows: each model under `Findings/Fixed/` (its header
/// says what the checker got wrong and how it was fixed) gets the verdict the machine
/// supports, an attack of the length the explorer finds and confirmed by replay, and no
/// disagreement with the explorer.
@Suite("Fixed findings")
struct FixedFindingTests {
    static let directory = KnownFinding.directory + "/Fixed"

    /// A property of a fixed model: proved, or an attack of exactly this many steps.
    static let expectations: [(file: String, property: String, steps: Int?)] = [
        ("own-memory-is-the-attackers.moat", "g1 cannot write root", 2),
        ("handler-plants-code.moat", "g1 cannot exec g2", 2),
        ("first-byte-of-an-entry-point.moat", "g1 cannot exec hypervisor", 2),
        ("copy-beside-the-entry-point.moat", "g2 cannot read hypervisor", 3),
        ("read-of-overwritten-bytes.moat", "g1 cannot read hypervisor", 3),
        ("remap-needs-the-entry.moat", "g2 cannot write g1", nil),
        ("staging-adds-a-step.moat", "g2 cannot write g1.ram", 1),
    ]

    @Test(arguments: expectations.map { [$0.file, $0.property, $0.steps.map(String.init) ?? "proved"] })
    func theCheckerNowAgreesWithTheMachine(_ row: [String]) throws {
        let platform = try Platform.load(path: Self.directory + "/" + row[0]).platform
        let property = try #require(platform.properties.first { $0.name == row[1] })
        let verdict = Checker(platform: platform).check(property).verdict
        switch verdict {
        case .attack(let trace):
            #expect(row[2] == String(trace.steps.count), "\(row[0]): an attack of \(trace.steps.count) steps, expected \(row[2])")
            let validation = Replayer(platform: platform).run(trace).validation
            guard case .confirmed = validation else {
                Issue.record("\(row[0]): the machine does not confirm the attack: \(validation)")
                return
            }
        case .proved:
            #expect(row[2] == "proved", "\(row[0]): proved, expected an attack of \(row[2]) steps")
        case .unknown(let reason):
            Issue.record("\(row[0]): unknown: \(reason)")
        }
        let disagreements = DifferentialTests.differential.compare(platform).disagreements
        #expect(disagreements.isEmpty, "\(row[0]): \(disagreements.map { "\($0.kind.rawValue): \($0.detail)" })")
    }
}
