import Foundation
import Platform
import Testing

@testable import Report

@Suite struct JSONReportTests {
    static var run: ModelRun { ModelRun(platform: TextReportTests.platform, results: TextReportTests.results) }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    static func properties(_ document: [String: Any]) throws -> [[String: Any]] {
        let models = try #require(document["models"] as? [[String: Any]])
        return try #require(models.first?["properties"] as? [[String: Any]])
    }

    @Test func documentCarriesVersionToolAndSummary() throws {
        let document = try Self.object(JSONReport(toolVersion: "9.9.9").render([Self.run]))
        #expect(document["schemaVersion"] as? Int == 1)
        #expect(document["tool"] as? String == "moat")
        #expect(document["toolVersion"] as? String == "9.9.9")
        let summary = try #require(document["summary"] as? [String: Int])
        #expect(summary == ["properties": 3, "proved": 1, "attacks": 1, "unknown": 1])
    }

    @Test func propertyLocationIsStructured() throws {
        let properties = try Self.properties(try Self.object(JSONReport().render([Self.run])))
        let location = try #require(properties[0]["location"] as? [String: Any])
        #expect(location["file"] as? String == "p.moat")
        #expect(location["line"] as? Int == 8)
        #expect(location["column"] as? Int == 1)
    }

    @Test func eachVerdictCarriesItsEvidence() throws {
        let properties = try Self.properties(try Self.object(JSONReport().render([Self.run])))
        #expect(properties[0]["attackLength"] as? Int == 2)
        let replay = try #require(properties[0]["replay"] as? [String: Any])
        #expect(replay["status"] as? String == "confirmed")
        #expect(replay["evidence"] as? [String] == ["pattern seen"])
        let certificate = try #require(properties[1]["certificate"] as? [String: Any])
        #expect(certificate["method"] as? String == "m")
        #expect(certificate["recheckQueries"] as? Int == 1)
        #expect(properties[1]["blockingFacts"] as? [String] == ["fact one", "fact two"])
        #expect(properties[2]["reason"] as? String == "a bound was hit")
        #expect(properties[2]["target"] == nil, "dos has no target")
        #expect(properties[1]["seconds"] as? Double == 1.5)
    }

    @Test func refutedReplayNamesTheOneBasedStepAndReason() throws {
        var run = Self.run
        run.results[0].validation = .refuted(step: 1, reason: "EPT violation")
        let properties = try Self.properties(try Self.object(JSONReport().render([run])))
        let replay = try #require(properties[0]["replay"] as? [String: Any])
        #expect(replay["status"] as? String == "refuted")
        #expect(replay["step"] as? Int == 2)
        #expect(replay["reason"] as? String == "EPT violation")
        run.results[0].validation = nil
        let again = try Self.properties(try Self.object(JSONReport().render([run])))
        #expect((again[0]["replay"] as? [String: Any])?["status"] as? String == "not-replayed")
    }

    @Test func withoutTimingsThereAreNoSeconds() {
        #expect(!JSONReport(timings: false).render([Self.run]).contains("\"seconds\""))
        #expect(JSONReport(timings: true).render([Self.run]).contains("\"seconds\""))
    }

    @Test func anInvalidModelCarriesItsDiagnostics() throws {
        let error = Diagnostic.error(SourceLocation(file: "bad.moat", line: 3, column: 7), "malformed number")
        let document = try Self.object(JSONReport().render([ModelRun(file: "bad.moat", platform: nil, diagnostics: [error])]))
        let model = try #require((document["models"] as? [[String: Any]])?.first)
        #expect(model["status"] as? String == "invalid")
        #expect(model["platform"] == nil)
        let diagnostics = try #require(model["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["severity"] as? String == "error")
        #expect((diagnostics.first?["location"] as? [String: Any])?["line"] as? Int == 3)
    }

    @Test func stepsCarryOperandsAsHex() throws {
        let properties = try Self.properties(try Self.object(JSONReport().render([Self.run])))
        let steps = try #require(properties[0]["steps"] as? [[String: Any]])
        #expect(steps[0]["action"] as? String == "access")
        #expect(steps[0]["address"] as? String == "0x1000")
        #expect(steps[0]["hpa"] as? String == "0x200010")
        #expect(steps[0]["region"] as? String == "g2.ram")
        #expect(steps[0]["userMode"] as? Bool == false)
        #expect(steps[1]["action"] as? String == "dma")
        #expect(steps[1]["actor"] as? String == "nic")
    }

    @Test func outputIsStable() {
        #expect(JSONReport().render([Self.run]) == JSONReport().render([Self.run]))
    }
}
