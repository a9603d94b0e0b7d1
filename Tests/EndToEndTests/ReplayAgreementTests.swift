import Foundation
import Testing

/// The two semantics agree on the shipped models: every attack the checker finds is confirmed
/// by the concrete machine's replay, and none is refuted (which would exit with status 4).
@Suite struct ReplayAgreementTests {
    @Test func everyShippedAttackIsConfirmedByReplay() throws {
        let models = try FileManager.default.contentsOfDirectory(atPath: Moat.root.appendingPathComponent("models").path)
            .filter { $0.hasSuffix(".moat") }.sorted().map { "models/\($0)" }
        let run = try Moat.run(["check", "--format", "json"] + models)
        #expect(run.status == 1, "attacks and no disagreement: \(run.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        var attacks = 0
        for model in try #require(document["models"] as? [[String: Any]]) {
            for property in (model["properties"] as? [[String: Any]]) ?? [] where property["verdict"] as? String == "attack" {
                attacks += 1
                let replay = property["replay"] as? [String: Any]
                #expect(replay?["status"] as? String == "confirmed", "\(model["file"] ?? ""): \(property["name"] ?? ""): \(replay ?? [:])")
            }
        }
        #expect(attacks >= 30)
    }

    @Test func theWrappingHypercallArgumentsAreConfirmed() throws {
        let run = try Moat.run(["check", "models/hypercall-wrap.moat"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("calls hypercall 0x20 \"buffer_write\"(0x"))
        #expect(run.stdout.contains("confirmed by replay on the concrete machine"))
        #expect(!run.stdout.contains("REFUTED"))
    }
}
