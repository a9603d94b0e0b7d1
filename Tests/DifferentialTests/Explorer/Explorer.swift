@testable import Machine
import Platform

/// An explicit-state, exhaustive explorer of the concrete machine: breadth-first over the
/// steps of the `Step` vocabulary, with parameters drawn from bounded domains that cover
/// every region boundary (``StepCandidates``), up to a bound on the number of steps,
/// deduplicating machine states by ``PlatformMachine/digest(for:)``.
///
/// It knows nothing of the checker: a goal is reached when the machine's own judgement
/// (``PlatformMachine/reaches(_:)``) says so, so every trace it returns replays.
struct Explorer {
    struct Options {
        /// The most steps in a trace.
        var bound = 3
        /// The most states expanded; past it the exploration stops (``Outcome/complete`` is false).
        var stateLimit = 4_000
    }

    struct Outcome {
        /// For each property (by index in the list explored), a shortest trace reaching its goal.
        var traces: [Int: [Step]] = [:]
        /// Distinct states reached.
        var states = 0
        /// Steps performed (including refused ones).
        var steps = 0
        /// Whether every state within the bound was expanded.
        var complete = true
    }

    let platform: Platform
    let attacker: Principal
    let properties: [Property]
    var options = Options()

    init(platform: Platform, attacker: Principal, properties: [Property], options: Options = Options()) {
        precondition(properties.allSatisfy { $0.attacker == attacker }, "one attacker per exploration")
        self.platform = platform
        self.attacker = attacker
        self.properties = properties
        self.options = options
        var names = Set<String>()
        for p in properties { if case .read(let t) = p.goal { names.formUnion(platform.regions(of: t).map(\.name)) } }
        targetRegions = Set(platform.regions.indices.filter { names.contains(platform.regions[$0].name) })
    }

    /// What a state is, for deduplication: the machine, and of the attacker's achievements
    /// only what some goal explored can still use (the contexts it controls; the target
    /// regions observed; who ran its bytes).
    private func key(_ machine: PlatformMachine) -> Int {
        var a = machine.achievements(of: attacker)
        a.observedRegions.formIntersection(targetRegions)
        var h = Hasher()
        h.combine(machine.digest())
        h.combine(a)
        return h.finalize()
    }

    /// The regions whose observation some `read` goal explored needs.
    private let targetRegions: Set<Int>

    /// Explores from a machine built from the platform (built here when not given).
    func run(from built: PlatformMachine? = nil) -> Outcome {
        var outcome = Outcome()
        guard var initial = built ?? (try? PlatformMachine(platform: platform)) else { return outcome }
        initial.patterns.ensure(.attacker(attacker))
        let pattern = initial.patterns.attackerPattern(of: attacker)!
        let candidates = StepCandidates(platform: platform, attacker: attacker, properties: properties)
        var seen: Set<Int> = [key(initial)]
        outcome.states = 1
        func record(_ machine: PlatformMachine, _ steps: [Step]) {
            for (i, property) in properties.enumerated() where outcome.traces[i] == nil && machine.reaches(property) {
                outcome.traces[i] = steps
            }
        }
        record(initial, [])
        var frontier: [(PlatformMachine, [Step])] = [(initial, [])]
        var expanded = 0
        for depth in 1...max(1, options.bound) {
            var next: [(PlatformMachine, [Step])] = []
            for (machine, steps) in frontier {
                if outcome.traces.count == properties.count { return outcome }
                if expanded >= options.stateLimit {
                    outcome.complete = false
                    return outcome
                }
                expanded += 1
                for step in candidates.steps(in: machine) {
                    var successor = machine
                    outcome.steps += 1
                    do {
                        try successor.perform(step, index: steps.count, pattern: pattern)
                    } catch {
                        continue
                    }
                    guard seen.insert(key(successor)).inserted else { continue }
                    outcome.states += 1
                    let trace = steps + [step]
                    record(successor, trace)
                    if depth < options.bound && successor.shutdown == nil { next.append((successor, trace)) }
                }
            }
            frontier = next
        }
        return outcome
    }
}
