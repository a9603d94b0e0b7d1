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

    /// Every finding the checker still shows: none at present (all are under `Fixed/`).
    static let all: [KnownFinding] = []

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

}
