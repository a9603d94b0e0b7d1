import Foundation
@testable import Machine
import Platform

/// A checker bug the differential test found, kept as a minimal model under `Findings/`
/// (its header says what each side says and why the checker is wrong), and the rule that
/// recognises the disagreements it explains, so that the suite stays green until the
/// checker is fixed. ``DifferentialTests/aKnownFindingStillReproduces(file:)`` checks that
/// each model still shows its disagreement.
struct KnownFinding: Sendable {
    /// The model's file name under `Findings/`.
    let file: String
    let kinds: Set<Differential.Kind>
    /// Whether a disagreement (of one of `kinds`) on a platform is this finding's.
    let rule: @Sendable (Differential.Disagreement, Platform) -> Bool

    func explains(_ d: Differential.Disagreement, on p: Platform) -> Bool { kinds.contains(d.kind) && rule(d, p) }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Findings").path

    static let all: [KnownFinding] = [partialEffects, overwrittenResult, smramReadAfterPoisoning, shutdownEnds,
                                      effectsInOrder, callerWithoutMappings]

    // MARK: - Helpers

    /// The machine after `steps` (nil when it cannot be built).
    static func machine(_ p: Platform, _ d: Differential.Disagreement, _ steps: [Step]?) -> PlatformMachine? {
        guard let steps else { return nil }
        return Replayer(platform: p).run(Trace(property: d.property, steps: steps)).machine
    }

    static func isHandlerCall(_ s: Step) -> Bool {
        switch s.action {
        case .hypercall, .io, .msr, .cpuid, .mmio, .smi: true
        default: false
        }
    }

    // MARK: - The findings

    /// The checker lets any byte of a handler's effect land on its own; the machine stops an
    /// effect at its first byte whose address is unmapped or at or above 2^52, as a
    /// hypervisor's copy from a guest fails at the first bad page.
    static let partialEffects = KnownFinding(file: "effects-stop-at-the-first-bad-byte.moat", kinds: [.refutedAttack]) { d, p in
        guard let m = machine(p, d, d.checkerSteps) else { return false }
        return m.events.contains { $0.text.contains("stops:") && ($0.text.contains("is not mapped for") || $0.text.contains("at or above 2^52")) }
    }

    /// The checker takes every copy into `result` as observed; the caller sees only what
    /// `result` holds when the handler returns, after later effects overwrote it.
    static let overwrittenResult = KnownFinding(file: "result-overwritten.moat", kinds: [.refutedAttack]) { d, p in
        guard case .read = d.property.goal, let last = d.checkerSteps?.last, isHandlerCall(last) else { return false }
        let handlers = p.hypervisor.handlers + (p.smm?.handlers ?? [])
        return handlers.contains { h in
            h.body.filter {
                switch $0.kind {
                case .effect(.copy(_, .result, _)), .effect(.leakUninitialised(_, _, .result)), .effect(.returnValue),
                     .effect(.write(.result, _)): true
                default: false
                }
            }.count >= 2
        }
    }

    /// After SMRAM is made write-back (cache poisoning, which lets writes in), the checker also
    /// lets the hypervisor's handlers read SMRAM; reads of closed SMRAM still give all-ones.
    static let smramReadAfterPoisoning = KnownFinding(file: "smram-read-after-poisoning.moat", kinds: [.refutedAttack]) { d, p in
        guard case .read = d.property.goal, let m = machine(p, d, d.checkerSteps) else { return false }
        return m.events.contains { $0.text.contains("is closed to accesses outside SMM") }
            && d.checkerSteps?.contains { if case .msr(Layout.mtrrPhysMask0, _, true) = $0.action { true } else { false } } == true
    }

    /// The checker takes a handler's effects one by one, ignoring its `shutdown`: the platform
    /// is down after it, so no later effect of the handler and no later step happens.
    static let shutdownEnds = KnownFinding(file: "shutdown-ends-the-attack.moat", kinds: [.refutedAttack]) { d, p in
        if d.detail.contains("the platform already shut down") { return true }
        guard let m = machine(p, d, d.checkerSteps) else { return false }
        return m.events.contains { $0.text.hasSuffix("stops: shutdown") }
    }

    /// The checker decides each effect of a handler on its own; the machine runs them in order,
    /// so an earlier copy can overwrite the bytes a later `call` was to run.
    static let effectsInOrder = KnownFinding(file: "effects-run-in-order.moat", kinds: [.refutedAttack]) { d, p in
        guard case .exec = d.property.goal, let last = d.checkerSteps?.last, isHandlerCall(last),
              let m = machine(p, d, d.checkerSteps), !m.events.contains(where: { $0.text.contains("stops:") }) else { return false }
        let handlers = p.hypervisor.handlers + (p.smm?.handlers ?? [])
        return handlers.contains { h in
            let effects = h.body.compactMap { if case .effect(let e) = $0.kind { e } else { nil } }
            guard let call = effects.firstIndex(where: { if case .call = $0 { true } else { false } }) else { return false }
            return effects[..<call].contains { if case .copy = $0 { true } else if case .write = $0 { true } else { false } }
        }
    }

    /// A caller with no memory paths has its `guest` operands read as physical by the checker
    /// (its principal falls back to SMM's); the hypervisor translates them through its EPT.
    static let callerWithoutMappings = KnownFinding(file: "caller-without-mappings.moat", kinds: [.refutedAttack]) { d, p in
        d.checkerSteps?.contains { s in
            guard isHandlerCall(s), let vtl = p.vtl(of: s.actor) else { return false }
            return vtl.mappings.isEmpty && vtl.vmcs.eptEnabled
        } == true
    }

    /// The finding that makes the checker crash on `platform`, which the test must then not
    /// hand to the checker (a crash would end the test process): a `map` effect whose
    /// guest-physical address the caller chooses (Findings/map-gpa-wraps.moat).
    static func crash(_ platform: Platform) -> String? {
        func chosen(_ body: [Statement]) -> Bool {
            body.contains { s in
                switch s.kind {
                case .effect(.map(_, let gpa, _, _, _)): !gpa.names.isEmpty
                case .conditional(_, let t, let e): chosen(t) || chosen(e)
                default: false
                }
            }
        }
        let handlers = platform.hypervisor.handlers + (platform.smm?.handlers ?? [])
        return handlers.contains { chosen($0.body) } ? "map-gpa-wraps.moat" : nil
    }
}
