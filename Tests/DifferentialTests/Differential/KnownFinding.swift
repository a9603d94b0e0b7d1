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

    static let all: [KnownFinding] = [ownMemory, handlerPlantsCode, firstByteOfEntry, partialEffects, remapAnyByte,
                                      overwrittenRead, overwrittenResult, smramReadAfterPoisoning, stagingStep, shutdownEnds,
                                      copyBesideEntry, effectsInOrder, callerWithoutMappings]

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

    static func isWrite(_ s: Step) -> Bool {
        switch s.action {
        case .access(.write, _, _, _), .dma(.write, _, _), .store: true
        default: false
        }
    }

    /// The contexts whose execution a goal `exec T` needs.
    static func contexts(_ p: Platform, _ goal: Goal) -> Set<Principal> {
        guard case .exec(let t) = goal else { return [] }
        switch t {
        case .principal(let q): return [q]
        case .partition(let name): return Set(p.partition(named: name)?.principals ?? [])
        case .region: return []
        }
    }

    // MARK: - The findings

    /// The checker counts only memory the attacker can write as its data; the contract (and
    /// the checker's own staging of copies) says memory it owns is its data. Another context
    /// running the attacker's own memory is taken over without a write, and a handler copying
    /// it out writes the attacker's bytes.
    static let ownMemory = KnownFinding(file: "own-memory-is-the-attackers.moat", kinds: [.unsoundProof, .notShortest]) { d, p in
        guard let m = machine(p, d, d.explorerSteps) else { return false }
        let side = m.side(of: d.property.attacker)
        let owned = { (o: ByteOrigin) in o != .attacker && m.isAttackers(o, side: side) }
        if m.executions.contains(where: { !side.contains($0.context) && owned($0.origin) }) { return true }
        if case .write(let t) = d.property.goal {
            let regions = p.regions(of: t)
            let anyWritten = regions.contains { m.origins.first(in: $0.base..<$0.end) { $0 == .attacker } != nil }
            return !anyWritten && regions.contains { m.origins.first(in: $0.base..<$0.end, where: owned) != nil }
        }
        return false
    }

    /// For `exec T` the checker plants code only at hypervisor and SMM entry points: a handler
    /// that writes or copies the attacker's bytes into memory T executes is no move.
    static let handlerPlantsCode = KnownFinding(file: "handler-plants-code.moat", kinds: [.unsoundProof, .notShortest]) { d, p in
        guard let steps = d.explorerSteps, let last = steps.last, case .access(.execute, _, let hpa, _) = last.action,
              case .vtl = last.actor, contexts(p, d.property.goal).contains(last.actor), steps.contains(where: isHandlerCall),
              machine(p, d, steps)?.origins.origin(at: hpa) == .attacker else { return false }
        return !steps.dropLast().contains { s in
            switch s.action {
            case .access(.write, _, let h, _), .dma(.write, _, let h), .store(_, let h, _): h <= hpa && hpa < h + 8
            default: false
            }
        }
    }

    /// The checker plants code at an entry point only with all of its 8 bytes; the machine
    /// (and the contract: "T executed at an address whose first byte is attacker-controlled")
    /// needs the first byte.
    static let firstByteOfEntry = KnownFinding(file: "first-byte-of-an-entry-point.moat", kinds: [.unsoundProof, .notShortest]) { d, p in
        guard let m = machine(p, d, d.explorerSteps) else { return false }
        let side = m.side(of: d.property.attacker)
        return m.executions.contains { e in
            !side.contains(e.context) && (e.context == .hypervisor || e.context == .smm) && m.isAttackers(e.origin, side: side)
                && !m.origins.origins(e.hpa, count: 8).allSatisfy { m.isAttackers($0, side: side) }
        }
    }

    /// The checker lets any byte of a handler's effect land on its own; the machine stops an
    /// effect at its first byte whose address is unmapped or at or above 2^52, as a
    /// hypervisor's copy from a guest fails at the first bad page.
    static let partialEffects = KnownFinding(file: "effects-stop-at-the-first-bad-byte.moat", kinds: [.refutedAttack]) { d, p in
        guard let m = machine(p, d, d.checkerSteps) else { return false }
        return m.events.contains { $0.text.contains("stops:") && ($0.text.contains("is not mapped for") || $0.text.contains("at or above 2^52")) }
    }

    /// The checker rewrites a translation's entry when the attacker can write any byte of the
    /// region that holds the tables; the machine needs a writable translation of the entry.
    static let remapAnyByte = KnownFinding(file: "remap-needs-the-entry.moat", kinds: [.refutedAttack]) { d, _ in
        d.detail.contains("has no writable translation of") && d.checkerSteps?.contains { if case .remap = $0.action { true } else { false } } == true
    }

    /// The checker reads a target region at its first byte even after its own trace
    /// overwrote that byte with the attacker's.
    static let overwrittenRead = KnownFinding(file: "read-of-overwritten-bytes.moat", kinds: [.refutedAttack]) { d, p in
        guard case .read = d.property.goal, let steps = d.checkerSteps, let last = steps.last,
              case .access(.read, _, let hpa, _) = last.action else { return false }
        return steps.dropLast().contains { s in
            switch s.action {
            case .access(.write, _, let h, _), .dma(.write, _, let h), .store(_, let h, _): h <= hpa && hpa < h + 8
            case .hypercall, .io, .msr, .cpuid, .mmio, .smi: true
            default: false
            }
        } && machine(p, d, steps)?.origins.origin(at: hpa) == .attacker
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

    /// The checker stages a copy's source with a write when the solver picks a source outside
    /// the attacker's own memory, although a source inside it needs no write: the attack is
    /// one step longer than the shortest.
    static let stagingStep = KnownFinding(file: "staging-adds-a-step.moat", kinds: [.notShortest]) { d, _ in
        guard let checker = d.checkerSteps, let explorer = d.explorerSteps else { return false }
        return checker.contains(where: isWrite) && checker.filter { !isWrite($0) }.count <= explorer.count
            && explorer.contains(where: isHandlerCall)
    }

    /// The checker takes a handler's effects one by one, ignoring its `shutdown`: the platform
    /// is down after it, so no later effect of the handler and no later step happens.
    static let shutdownEnds = KnownFinding(file: "shutdown-ends-the-attack.moat", kinds: [.refutedAttack]) { d, p in
        if d.detail.contains("the platform already shut down") { return true }
        guard let m = machine(p, d, d.checkerSteps) else { return false }
        return m.events.contains { $0.text.hasSuffix("stops: shutdown") }
    }

    /// A copy counts for the checker as code planted at an entry point when any of the entry's
    /// 8 bytes receives one; the context starts at the first byte, which may stay its own.
    static let copyBesideEntry = KnownFinding(file: "copy-beside-the-entry-point.moat", kinds: [.refutedAttack]) { d, p in
        guard let m = machine(p, d, d.checkerSteps) else { return false }
        let side = m.side(of: d.property.attacker)
        let entries = p.regions.filter { $0.owner == .hypervisor && $0.kind == .code }.map(\.base)
            + (p.smm?.smram.flatMap { p.region(named: $0) }.map { [$0.base + Layout.smmEntryOffset] } ?? [])
        return entries.contains { e in
            !m.isAttackers(m.origins.origin(at: e), side: side) && (1..<8).contains { m.isAttackers(m.origins.origin(at: e + UInt64($0)), side: side) }
        }
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
