import Foundation
import Testing

/// The text, JSON, SARIF and DOT output of three shipped models, byte for byte, against
/// files in Inputs/golden. Timings are left out (--no-timings). To record them anew after an
/// intended change: `MOAT_RECORD_GOLDEN=1 swift test --filter Golden`, then review the diff.
@Suite struct GoldenTests {
    static let directory = Moat.inputs.appendingPathComponent("golden")
    static let recording = ProcessInfo.processInfo.environment["MOAT_RECORD_GOLDEN"] == "1"

    static let models = ["overlapping-mapping", "smi-comm-buffer-unchecked", "two-guests"]
    static let formats = [("text", "txt"), ("json", "json"), ("sarif", "sarif"), ("dot", "dot")]

    static var cases: [(model: String, format: String, suffix: String)] {
        models.flatMap { model in formats.map { (model, $0.0, $0.1) } }
    }

    @Test(arguments: cases)
    func outputMatchesTheGoldenFile(model: String, format: String, suffix: String) throws {
        let run = try Moat.run(["check", "--format", format, "--no-timings", "--color", "never", "models/\(model).moat"])
        #expect([0, 1].contains(run.status), "\(run.stderr)")
        let golden = Self.directory.appendingPathComponent("\(model).\(suffix)")
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try run.stdout.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(run.stdout == expected, "models/\(model).moat --format \(format) differs from \(golden.lastPathComponent); if the change is intended, record anew with MOAT_RECORD_GOLDEN=1 swift test --filter Golden")
    }

    @Test func lintOutputMatchesTheGoldenFile() throws {
        let run = try Moat.run(["lint", "models/every-construct.moat", "models/dlck-clear.moat", "models/vbs-baseline.moat"])
        let golden = Self.directory.appendingPathComponent("lint.txt")
        if Self.recording {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try run.stdout.write(to: golden, atomically: true, encoding: .utf8)
            return
        }
        #expect(run.stdout == (try String(contentsOf: golden, encoding: .utf8)))
    }
}
