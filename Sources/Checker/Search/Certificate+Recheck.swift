import Platform
import SMT

extension Certificate {
    struct Recheck {
        var holds: Bool
        var problem: String?
        var queries: Int
        /// The handler effects the re-check's engine refuted (what a certificate lists).
        var refuted: [String] = []
    }

    /// Re-checks a saturated state with a fresh engine (a new solver context): it contains the
    /// initial state, no move adds a fact to it but those that shut the platform down (after which
    /// nothing happens), and neither it nor it after one of those meets the goal.
    static func recheck(_ saturated: AttackState, property: Property, platform: Platform, options: CheckOptions, engine: HandlerMoves? = nil) throws(SMTError) -> Recheck {
        let search = AttackSearch(platform: platform, property: property, options: options)
        let handlers: HandlerMoves
        if let engine { handlers = engine } else { handlers = try HandlerMoves(platform: platform, options: options) }
        handlers.beginProperty(budget: nil, attacker: property.attacker)
        let generator = MoveGenerator(platform: platform, property: property, handlers: handlers)
        guard saturated.includes(search.initialState()) else {
            return Recheck(holds: false, problem: "it does not contain the initial state", queries: 0)
        }
        let moves = generator.moves(in: saturated)
        if let move = moves.first(where: { !AttackSearch.isTerminal($0) }) {
            return Recheck(holds: false, problem: "the move '\(move.label)' adds a fact", queries: handlers.queries)
        }
        if let move = moves.first(where: { search.reaches(saturated.union($0.gain)) }) {
            return Recheck(holds: false, problem: "the move '\(move.label)', which shuts the platform down, meets the goal", queries: handlers.queries)
        }
        if !handlers.unknowns.isEmpty {
            return Recheck(holds: false, problem: "the solver could not decide \(handlers.unknowns[0])", queries: handlers.queries)
        }
        if search.reaches(saturated) {
            return Recheck(holds: false, problem: "it meets the goal", queries: handlers.queries)
        }
        return Recheck(holds: true, problem: nil, queries: handlers.queries, refuted: handlers.refuted)
    }
}
