import Foundation
import Testing

/// The real JSON output of every shipped model satisfies docs/schema/moat-report.v1.json.
@Suite(.enabled(if: Python.hasJSONSchema, "python3 with the jsonschema package is not installed (.ci/run installs it: python3 -m pip install jsonschema)"))
struct JSONSchemaTests {
    static let schema = "docs/schema/moat-report.v1.json"

    static var models: [String] {
        let directory = Moat.root.appendingPathComponent("models")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".moat") }.sorted().map { "models/\($0)" }
    }

    static func validate(_ json: String) throws -> (output: String, status: Int32) {
        try Python.run(["-c", Python.validateJSONSchema, schema], input: json)
    }

    @Test func everyModelIsCovered() {
        #expect(Self.models.count >= 30)
    }

    @Test(arguments: models)
    func jsonReportOfAShippedModelMatchesTheSchema(model: String) throws {
        let run = try Moat.run(["check", "--format", "json", model])
        #expect([0, 1, 3, 4].contains(run.status), "\(run.stderr)")
        let result = try Self.validate(run.stdout)
        #expect(result.status == 0, "\(model):\n\(result.output)")
    }

    @Test func invalidModelsAndTimingsFreeOutputMatchTheSchema() throws {
        let run = try Moat.run(["check", "--format", "json", "--no-timings", "models/overlapping-mapping.moat",
                                "Tests/EndToEndTests/Inputs/malformed/05-bad-hex.moat", "Tests/EndToEndTests/Inputs/unknown.moat"])
        #expect(run.status == 2)
        #expect(!run.stdout.contains("\"seconds\""))
        #expect(run.stdout.contains("\"status\" : \"invalid\""))
        let result = try Self.validate(run.stdout)
        #expect(result.status == 0, "\(result.output)")
    }

    @Test func theSchemaRejectsWhatMoatDoesNotEmit() throws {
        let run = try Moat.run(["check", "--format", "json", "models/overlapping-mapping.moat"])
        for (original, broken) in [
            ("\"verdict\" : \"attack\"", "\"verdict\" : \"maybe\""),
            ("\"schemaVersion\" : 1", "\"schemaVersion\" : 2"),
            ("\"status\" : \"confirmed\"", "\"status\" : \"refuted\""),
            ("\"hpa\" : \"0x20003000\"", "\"hpa\" : 536883200"),
        ] {
            #expect(run.stdout.contains(original))
            let result = try Self.validate(run.stdout.replacingOccurrences(of: original, with: broken))
            #expect(result.status == 1, "the schema accepted \(broken)")
        }
    }
}
