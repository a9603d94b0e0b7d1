import Foundation
import Platform
import Testing

@testable import Checker

/// A saturated state is a proof only if it contains the initial state, is closed under every
/// move, and misses the goal; the re-check must reject a state that fails any of these.
@Suite struct CertificateTests {
    static let models = ScenarioTests.models

    func saturated(_ file: String, _ name: String) throws -> (Platform, Property, AttackState) {
        let platform = try Platform.load(path: Self.models.appendingPathComponent(file).path).platform
        let property = try #require(platform.properties.first { $0.name == name })
        let search = AttackSearch(platform: platform, property: property, options: CheckOptions())
        let generator = MoveGenerator(platform: platform, property: property, handlers: try HandlerMoves(platform: platform, options: CheckOptions()))
        return (platform, property, try search.saturate(generator, from: search.initialState()))
    }

    @Test func theGenuineCertificateRechecks() throws {
        let (platform, property, state) = try saturated("xsa-100-scrubbed-handoff.moat", "guest2 cannot read guest1")
        let recheck = try Certificate.recheck(state, property: property, platform: platform, options: CheckOptions())
        #expect(recheck.holds, "\(recheck.problem ?? "")")
        #expect(recheck.queries > 0, "the hand-over hypercall is re-asked")
    }

    @Test func droppingAFactIsRejectedAsNotClosed() throws {
        let (platform, property, state) = try saturated("xsa-100-scrubbed-handoff.moat", "guest2 cannot read guest1")
        var mutated = state
        let handoff = try #require(mutated.extra.first, "the hand-over is in the saturated state")
        mutated.extra.remove(handoff)
        let recheck = try Certificate.recheck(mutated, property: property, platform: platform, options: CheckOptions())
        #expect(!recheck.holds)
        #expect(recheck.problem?.contains("adds a fact") == true)
    }

    @Test func droppingTheAttackerIsRejectedAsMissingTheInitialState() throws {
        let (platform, property, state) = try saturated("two-guests.moat", "guest1 cannot read guest2")
        var mutated = state
        mutated.controls = []
        let recheck = try Certificate.recheck(mutated, property: property, platform: platform, options: CheckOptions())
        #expect(recheck.problem == "it does not contain the initial state")
    }

    @Test func aStateThatMeetsTheGoalIsRejected() throws {
        let (platform, property, state) = try saturated("two-guests.moat", "guest1 cannot read guest2")
        var mutated = state
        mutated.read.insert("g2.ram")
        let recheck = try Certificate.recheck(mutated, property: property, platform: platform, options: CheckOptions())
        #expect(recheck.problem == "it meets the goal")
    }
}
