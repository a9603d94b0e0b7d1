import Platform
import SMT

/// The configuration facts a query rests on. Each fact is asserted behind an assumption
/// literal, so an unsatisfiable query names (in its core) the facts that block the attack.
final class FactBook {
    struct Fact {
        var literal: Term
        var text: String
        var location: SourceLocation
    }

    let context: Context
    let solver: Solver
    /// Facts asserted so far, in order.
    private(set) var facts: [Fact] = []
    private var byName: [String: Int] = [:]
    /// When set, only these fact indices are asserted (the others are left unconstrained).
    let only: Set<Int>?

    init(context: Context, solver: Solver, only: Set<Int>? = nil) {
        self.context = context
        self.solver = solver
        self.only = only
    }

    /// Records `constraint` as a configuration fact described by `text`.
    func add(_ constraint: Term, _ text: String, at location: SourceLocation) {
        let index = facts.count
        let name = "fact\(index)"
        let literal = context.boolConst(name)
        facts.append(Fact(literal: literal, text: text, location: location))
        byName[name] = index
        if only == nil || only!.contains(index) {
            solver.assert(literal.implies(constraint))
        }
    }

    var literals: [Term] { facts.enumerated().filter { only == nil || only!.contains($0.offset) }.map(\.element.literal) }

    /// The fact indices an unsat core names.
    func indices(of core: [String]) -> [Int] {
        core.compactMap { byName[$0] }.sorted()
    }
}
