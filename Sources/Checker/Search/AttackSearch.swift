import Platform
import SMT

/// Multi-step attack search over the monotone attack state.
///
/// - Proof: the attacker's capabilities only grow, so applying every move until nothing
///   changes gives a saturated state that contains every reachable one. If the goal is not
///   in it, no sequence of moves reaches the goal. The saturated state is the certificate:
///   a fresh engine re-checks that it contains the initial state, that no move adds a fact
///   to it, and that it does not meet the goal.
/// - Attack: breadth-first search over states, ordered by the number of steps, finds the
///   shortest sequence of moves; every shorter sequence was explored and missed the goal.
struct AttackSearch {
    enum Outcome {
        case attack([Step], shortest: Bool, note: String?)
        case proved(saturated: AttackState, refutedHandlers: [String], queries: Int)
        case unknown(String)
    }

    let platform: Platform
    let property: Property
    let options: CheckOptions
    var budget: Budget? = nil
    /// Bounds on the breadth-first search.
    var maximumSteps = 12
    var maximumStates = 20_000

    func initialState() -> AttackState {
        var state = AttackState()
        state.controls = [property.attacker]
        for device in platform.devices where device.assignedTo == property.attacker {
            state.controls.insert(.device(device.name))
        }
        return state
    }

    func reaches(_ state: AttackState) -> Bool {
        switch property.goal {
        case .read(let t): return platform.regions(of: t).contains { state.read.contains($0.name) }
        case .write(let t): return platform.regions(of: t).contains { state.written.contains($0.name) }
        case .exec(let t): return targetPrincipals(t).contains { state.injected.contains($0) }
        case .dos: return state.shutdown
        }
    }

    private func targetPrincipals(_ t: Target) -> [Principal] {
        switch t {
        case .principal(let p): [p]
        case .partition(let name): platform.partition(named: name)?.principals ?? []
        case .region: []
        }
    }

    /// A move that shuts the platform down ends the attack: no step happens after it (the
    /// machine refuses every later step), so it is the last move of any sequence.
    static func isTerminal(_ move: Move) -> Bool { move.gain.shutdown }

    /// Applies every move that is not terminal until nothing changes. A reachable state is
    /// included in the result, or is the result's subset joined with one terminal move's gain.
    func saturate(_ generator: MoveGenerator, from initial: AttackState) throws(BudgetExhausted) -> AttackState {
        try saturateKeepingMoves(generator, from: initial).state
    }

    /// `saturate`, with the moves of the saturated state (all terminal): the last round computed
    /// them, and whether the goal is met after one of them is the next question.
    func saturateKeepingMoves(_ generator: MoveGenerator, from initial: AttackState) throws(BudgetExhausted) -> (state: AttackState, terminal: [Move]) {
        var state = initial
        while true {
            if let reason = budget?.exhausted() { throw BudgetExhausted(reason: reason + " while saturating the attack state") }
            let all = generator.moves(in: state)
            let moves = all.filter { !Self.isTerminal($0) }
            if moves.isEmpty { return (state, all) }
            for move in moves { state = state.union(move.gain) }
        }
    }

    /// The saturated state, or it after one of its (terminal) moves, meets the goal.
    func reachesFromSaturated(_ saturated: AttackState, terminal moves: [Move]) -> Bool {
        reaches(saturated) || moves.contains { Self.isTerminal($0) && reaches(saturated.union($0.gain)) }
    }

    func search() throws -> Outcome {
        try search(handlers: try HandlerMoves(platform: platform, options: options))
    }

    func search(handlers: HandlerMoves) throws -> Outcome {
        handlers.beginProperty(budget: budget, attacker: property.attacker)
        let generator = MoveGenerator(platform: platform, property: property, handlers: handlers)
        let initial = initialState()
        if reaches(initial) {
            return .attack([], shortest: true, note: "the attacker holds the goal from the start")
        }
        let (saturated, terminal) = try saturateKeepingMoves(generator, from: initial)
        if !handlers.unknowns.isEmpty {
            return .unknown("the solver could not decide \(handlers.unknowns.count) handler quer\(handlers.unknowns.count == 1 ? "y" : "ies"): \(handlers.unknowns.prefix(3).joined(separator: "; "))")
        }
        guard reachesFromSaturated(saturated, terminal: terminal) else {
            return .proved(saturated: saturated, refutedHandlers: handlers.refuted, queries: handlers.queries)
        }
        return try shortest(generator, from: initial)
    }

    /// Uniform-cost search by number of steps (a move may carry several). A state is expanded
    /// in order of its cost, so the first goal state taken off the queue is a shortest attack.
    private func shortest(_ generator: MoveGenerator, from initial: AttackState) throws(BudgetExhausted) -> Outcome {
        // Each path carries the bytes its steps overwrote: the state abstracts them away, but which
        // byte a read or a fetch should pick depends on them.
        var buckets: [[(AttackState, [Step], IntervalSet)]] = [[(initial, [], IntervalSet())]]
        var best: [AttackState: Int] = [initial: 0]
        var expanded = 0
        var cost = 0
        while cost < buckets.count {
            for (state, steps, clobbered) in buckets[cost] where best[state] == cost {
                if reaches(state) { return .attack(steps, shortest: true, note: nil) }
                if state.shutdown { continue }
                if let reason = budget?.exhausted() {
                    throw BudgetExhausted(reason: reason + " while searching for the shortest attack (an attack exists in the saturated state; none of fewer than \(cost) steps)")
                }
                expanded += 1
                if expanded > maximumStates {
                    return .unknown("an attack exists in the saturated state, but the search for the shortest one stopped after \(maximumStates) states")
                }
                for move in generator.moves(in: state, clobbered: clobbered) {
                    let next = state.union(move.gain)
                    let c = cost + move.steps.count
                    guard c <= maximumSteps, best[next].map({ c < $0 }) ?? true else { continue }
                    best[next] = c
                    while buckets.count <= c { buckets.append([]) }
                    var written = clobbered
                    for r in move.written.intervals { written.insert(r) }
                    buckets[c].append((next, steps + move.steps, written))
                }
            }
            buckets[cost] = []
            cost += 1
        }
        return .unknown("an attack exists in the saturated state, but none of at most \(maximumSteps) steps was found")
    }
}
