import Platform
import SMT

extension Checker {
    /// The SMT-LIB2 queries a property's verdict rests on, for a second solver to re-decide:
    /// every handler query the search asked while saturating the attack state, then the goal
    /// query over the saturated state's paths to memory. Each query stands alone — it starts
    /// with `set-logic` and ends with `check-sat` and `reset` — and is preceded by a comment
    /// `; expect: sat|unsat|unknown` with Z3's answer.
    ///
    /// - Throws: `SMTError` when Z3 fails.
    public func smtlib(for property: Property) throws -> String {
        let search = AttackSearch(platform: platform, property: property, options: options)
        let handlers = try HandlerMoves(platform: platform, options: options)
        handlers.recording = true
        let generator = MoveGenerator(platform: platform, property: property, handlers: handlers)
        let saturated = try search.saturate(generator, from: search.initialState())
        var blocks = handlers.recorded.map { (label: $0.label, answer: $0.answer, text: $0.text) }
        if property.goal != .dos {
            let direct = DirectReachability(platform: platform, capabilities: Capabilities(platform: platform), options: options)
            let paths = World(platform: platform, state: saturated).goalPaths(for: property.goal)
            let query = try direct.build(property, in: try Context(), only: nil, paths: paths, state: saturated)
            let answer = query.solver.check(assuming: query.facts.literals)
            for literal in query.facts.literals { query.solver.assert(literal) }
            let word = answer.isSat ? "sat" : answer.isUnsat ? "unsat" : "unknown"
            blocks.append(("goal: can the saturated state's paths reach the target? (\(saturated.facts.count) facts)", word, query.solver.smtlib2()))
        }
        var text = "; Moat \(platform.file): \(platform.claim(property))\n; \(blocks.count) quer\(blocks.count == 1 ? "y" : "ies"), each followed by (reset)\n"
        for block in blocks {
            text += "\n; query: \(block.label)\n; expect: \(block.answer)\n\(block.text)\n(reset)\n"
        }
        return text
    }
}
