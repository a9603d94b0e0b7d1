import Platform
import SMT

/// The SMT query "can the attacker's access reach a target range?" over 64-bit host-physical
/// addresses. Whether the address lies in a path or range is a Boolean that a configuration fact
/// defines from the range's constant bounds, so that the solver picks the address and an unsat
/// core names what blocks it.
struct ReachabilityQuery {
    let context: Context
    let solver: Solver
    let facts: FactBook
    let width = 64

    /// The host-physical address the attacker reaches; its own address is recovered from the path.
    let hpa: Term

    init(context: Context, only: Set<Int>? = nil) throws(SMTError) {
        self.context = context
        self.solver = try context.makeSolver(logic: "QF_BV")
        self.facts = FactBook(context: context, solver: solver, only: only)
        self.hpa = context.bvConst("hpa", width: width)
    }

    private func bv(_ v: UInt64) -> Term { context.bv(v, width: width) }

    /// `start ≤ hpa < end` against constants. A range's fact defines the Boolean "hpa lies in
    /// it" with this term, so that without the fact the range is unconstrained (as a range whose
    /// bounds nobody pinned) while the solver only ever compares `hpa` with constants, which it
    /// bit-blasts into a few clauses rather than a 64-bit comparator between two unknowns.
    private func within(_ start: UInt64, _ end: UInt64) -> Term {
        hpa.uge(bv(start)) && hpa.ult(bv(end))
    }

    /// Declares the SMRAM guards: which accesses of `right` may touch SMRAM. Returns (CPU allowed,
    /// DMA allowed, in-SMRAM).
    func smramGuards(_ platform: Platform, state: AttackState = AttackState(), right: Permissions = .write) -> (cpu: Term, dma: Term, inSMRAM: Term) {
        guard let smm = platform.smm, let name = smm.smram, let region = platform.region(named: name) else {
            return (context.bool(true), context.bool(true), context.bool(false))
        }
        let inSMRAM = context.boolConst("hpa_in_smram")
        facts.add(inSMRAM .== within(region.base, region.end), "SMRAM is region '\(name)' [\(hex(region.base)), \(hex(region.end)))", at: region.location)
        let smrr = context.boolConst("smrr")
        let open = context.boolConst("d_open")
        let locked = context.boolConst("d_lck")
        let tseg = context.boolConst("tseg")
        facts.add(smrr .== context.bool(smm.smrr), smm.smrr ? "SMRR covers SMRAM: outside SMM it reads all-ones and drops writes" : "SMRR is off", at: smm.location)
        facts.add(open .== context.bool(smm.open), smm.open ? "SMRAMC.D_OPEN is set: SMRAM is visible outside SMM" : "SMRAMC.D_OPEN is clear: SMRAM is closed to non-SMM accesses", at: smm.location)
        facts.add(locked .== context.bool(smm.locked), smm.locked ? "SMRAMC.D_LCK is set" : "SMRAMC.D_LCK is clear", at: smm.location)
        facts.add(tseg .== context.bool(smm.tsegDMAProtection), smm.tsegDMAProtection ? "TSEG protection keeps DMA out of SMRAM" : "SMRAM is not protected from DMA", at: smm.location)
        // D_LCK forces D_OPEN to 0 (DOMAIN.md §5.1).
        var visible = open && !locked
        if state.smramOpen {
            facts.add(context.bool(true), "the attacker opened SMRAM through SMRAMC", at: smm.location)
            visible = context.bool(true)
        }
        // A write-back type lets writes outside SMM land in cache lines; reads of closed SMRAM still
        // give all-ones (DOMAIN.md §7 row 16).
        if state.smramCached && right.contains(.write) {
            facts.add(context.bool(true), "the attacker made SMRAM write-back cacheable through the MTRRs", at: smm.location)
            visible = context.bool(true)
        }
        return (!smrr && visible, !tseg, inSMRAM)
    }

    /// Asserts: `hpa` lies in the host range of one of `paths` that grants `right` (and that
    /// SMRAM's guards let the path touch it). Only comparisons: the attacker's own address for
    /// `hpa` is recovered from the path afterwards.
    @discardableResult
    func attackerReaches(_ paths: [AccessPath], right: Permissions, smram: (cpu: Term, dma: Term, inSMRAM: Term), prefix: String) -> [Term] {
        var disjuncts: [Term] = []
        for (i, path) in paths.enumerated() {
            let inside = context.boolConst("hpa_in_\(prefix)\(i)")
            let granted = context.boolConst("\(prefix)\(i)_\(right)")
            facts.add(inside .== within(path.hpa, path.hpa &+ path.size), path.fact, at: path.location)
            let has = !path.rights.isDisjoint(with: right)
            facts.add(granted .== context.bool(has), "\(path.fact): \(has ? "grants" : "does not grant") \(Self.word(right))", at: path.location)
            var guardTerm = context.bool(true)
            if path.actor != .smm {
                guardTerm = smram.inSMRAM.implies(path.medium.isDMA ? smram.dma : smram.cpu)
            }
            disjuncts.append(granted && inside && guardTerm)
        }
        solver.assert(context.or(disjuncts))
        return disjuncts
    }

    /// Asserts: `hpa` lies in one of `ranges`.
    func hpaIn(_ ranges: [TargetRange], prefix: String) {
        var disjuncts: [Term] = []
        for (i, range) in ranges.enumerated() {
            let inside = context.boolConst("hpa_in_\(prefix)\(i)")
            facts.add(inside .== within(range.base, range.base &+ range.size), range.fact, at: range.location)
            disjuncts.append(inside)
        }
        solver.assert(context.or(disjuncts))
    }

    static func word(_ right: Permissions) -> String {
        if right.contains(.write) { return "write" }
        if right.contains(.read) { return "read" }
        return "execute"
    }
}
