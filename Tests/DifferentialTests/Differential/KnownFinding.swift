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

    static let all: [KnownFinding] = [ownMemory, handlerPlantsCode, firstByteOfEntry, remapAnyByte, overwrittenRead, copyBesideEntry]

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
}
