import Foundation
@testable import Machine
import Platform

/// A checker bug the differential test found, kept as a minimal model under `Findings/`
/// (its header says what each side says and why the checker is wrong), and the rule that
/// recognises the disagreements it explains, so that the suite stays green until the
/// checker is fixed. ``DifferentialTests/aKnownFindingStillReproduces(file:)`` checks that
/// each model still shows its disagreement. When the checker is fixed, the model moves to
/// `Fixed/` with a row in ``FixedFindingTests`` and its rule goes (Findings/README.md).
struct KnownFinding: Sendable {
    /// The model's file name under `Findings/`.
    let file: String
    let kinds: Set<Differential.Kind>
    /// Whether a disagreement (of one of `kinds`) on a platform is this finding's.
    let rule: @Sendable (Differential.Disagreement, Platform) -> Bool

    func explains(_ d: Differential.Disagreement, on p: Platform) -> Bool { kinds.contains(d.kind) && rule(d, p) }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Findings").path

    /// Every finding the checker still shows.
    static let all: [KnownFinding] = [ownBytesThroughANewMapping]

    // MARK: - Helpers for rules

    /// The machine after `steps` (nil when it cannot be built).
    static func machine(_ p: Platform, _ d: Differential.Disagreement, _ steps: [Step]?) -> PlatformMachine? {
        guard let steps else { return nil }
        return Replayer(platform: p).run(Trace(property: d.property, steps: steps)).machine
    }

    /// Whether the step sets a handler off.
    static func isHandlerCall(_ s: Step) -> Bool {
        switch s.action {
        case .hypercall, .io, .msr, .cpuid, .mmio, .smi: true
        default: false
        }
    }

    // MARK: - The findings

    /// A handler maps memory for its caller and then moves bytes of the attacker's own memory
    /// through that mapping (a `leak-uninitialised` of an owned region, or a copy): the machine
    /// writes the target in one call; the checker needs a write step after the mapping.
    static let ownBytesThroughANewMapping = KnownFinding(file: "own-bytes-through-a-new-mapping.moat", kinds: [.notShortest]) { d, p in
        guard case .write(let t) = d.property.goal, let m = machine(p, d, d.explorerSteps) else { return false }
        let side = m.side(of: d.property.attacker)
        let owned = { (o: ByteOrigin) in o != .attacker && m.isAttackers(o, side: side) }
        let handlers = p.hypervisor.handlers + (p.smm?.handlers ?? [])
        let mapsThenMoves = handlers.contains { h in
            let effects = h.body.compactMap { if case .effect(let e) = $0.kind { e } else { nil } }
            guard let first = effects.firstIndex(where: { if case .map = $0 { true } else if case .give = $0 { true } else { false } }) else { return false }
            return effects[first...].contains { if case .leakUninitialised = $0 { true } else if case .copy = $0 { true } else { false } }
        }
        return mapsThenMoves && p.regions(of: t).contains { m.origins.first(in: $0.base..<$0.end, where: owned) != nil }
    }
}
