import Checker
import Machine
import Platform

/// The differential judgement of one platform: the checker's verdict on each property
/// against the explorer's exhaustive search on the concrete machine.
///
/// - checker **attack**: the machine must confirm the replay, and no attack the explorer
///   found may be shorter (the checker claims its attacks are shortest);
/// - checker **proved**: the explorer must find nothing within its bound;
/// - checker **unknown**: acceptable, counted.
struct Differential {
    enum Kind: String, Hashable, Sendable {
        /// The checker proved a property the explorer breaks.
        case unsoundProof = "unsound proof"
        /// The machine refuted the checker's attack.
        case refutedAttack = "refuted attack"
        /// The explorer found a shorter attack than the checker's "shortest".
        case notShortest = "not shortest"
    }

    struct Disagreement: Sendable {
        var kind: Kind
        var property: Property
        var detail: String
        /// The checker's attack, if it gave one.
        var checkerSteps: [Step]? = nil
        /// The explorer's attack, if it found one.
        var explorerSteps: [Step]? = nil
    }

    struct Tally: Sendable {
        var platforms = 0
        var properties = 0
        var proved = 0
        var attacks = 0
        var unknowns = 0
        var agreements = 0
        var disagreements = 0
        /// Attacks the explorer also found.
        var bothFound = 0
        /// Checker attacks within the bound that the explorer's domains missed.
        var explorerMissed = 0
        /// Unknown verdicts where the explorer found an attack.
        var unknownButBroken = 0
        /// Explorations stopped by the state limit.
        var incomplete = 0
        var states = 0

        /// Every counter (`tallyNamesEveryCounter` checks that none is missing).
        nonisolated(unsafe) static let counters: [WritableKeyPath<Tally, Int>] = [
            \.platforms, \.properties, \.proved, \.attacks, \.unknowns, \.agreements, \.disagreements,
            \.bothFound, \.explorerMissed, \.unknownButBroken, \.incomplete, \.states,
        ]

        mutating func add(_ o: Tally) {
            for counter in Self.counters { self[keyPath: counter] += o[keyPath: counter] }
        }

        var summary: String {
            "\(platforms) platforms, \(properties) properties: \(agreements) agreements (\(proved) proved, \(attacks) attacks, \(bothFound) found by both), \(unknowns) unknown (\(unknownButBroken) broken by the explorer), \(disagreements) disagreements; explorer: \(states) states, \(incomplete) explorations cut at the state limit, \(explorerMissed) checker attacks within the bound it missed"
        }
    }

    var explorer = Explorer.Options()
    var checker = CheckOptions(timeoutSeconds: 30)

    /// Compares the verdicts on every property of `platform`.
    func compare(_ platform: Platform) -> (tally: Tally, disagreements: [Disagreement]) {
        var tally = Tally()
        tally.platforms = 1
        var found: [Property: [Step]] = [:]
        let built = try? PlatformMachine(platform: platform)
        var attackers: [Principal] = []
        for p in platform.properties where !attackers.contains(p.attacker) { attackers.append(p.attacker) }
        for attacker in attackers {
            let mine = platform.properties.filter { $0.attacker == attacker }
            let outcome = Explorer(platform: platform, attacker: attacker, properties: mine, options: explorer).run(from: built)
            tally.states += outcome.states
            if !outcome.complete { tally.incomplete += 1 }
            for (i, steps) in outcome.traces { found[mine[i]] = steps }
        }
        var disagreements: [Disagreement] = []
        let replayer = Replayer(platform: platform)
        let checker = Checker(platform: platform, options: self.checker)
        for property in platform.properties {
            tally.properties += 1
            let explored = found[property]
            var disagreement: Disagreement?
            let verdict = checker.check(property).verdict
            switch verdict {
            case .proved:
                tally.proved += 1
                if let explored {
                    disagreement = Disagreement(kind: .unsoundProof, property: property,
                                                detail: "the checker proved it; the explorer reached the goal in \(explored.count) step(s):\n\(Self.describe(explored))",
                                                explorerSteps: explored)
                }
            case .attack(let trace):
                tally.attacks += 1
                switch (built.map { replayer.run(trace, from: $0) } ?? replayer.run(trace)).validation {
                case .refuted(let step, let reason):
                    disagreement = Disagreement(kind: .refutedAttack, property: property,
                                                detail: "the checker's attack:\n\(Self.describe(trace.steps))\nwas refuted at step \(step + 1): \(reason)",
                                                checkerSteps: trace.steps, explorerSteps: explored)
                case .confirmed:
                    if let explored, explored.count < trace.steps.count {
                        disagreement = Disagreement(kind: .notShortest, property: property,
                                                    detail: "the checker's \(trace.steps.count)-step attack:\n\(Self.describe(trace.steps))\nthe explorer's \(explored.count)-step attack:\n\(Self.describe(explored))",
                                                    checkerSteps: trace.steps, explorerSteps: explored)
                    } else if explored != nil {
                        tally.bothFound += 1
                    } else if trace.steps.count <= explorer.bound {
                        tally.explorerMissed += 1
                    }
                }
            case .unknown:
                tally.unknowns += 1
                if explored != nil { tally.unknownButBroken += 1 }
            }
            if let disagreement {
                tally.disagreements += 1
                disagreements.append(disagreement)
            } else if case .unknown = verdict {
            } else {
                tally.agreements += 1
            }
        }
        return (tally, disagreements)
    }

    static func describe(_ steps: [Step]) -> String {
        steps.enumerated().map { "  \($0.offset + 1). \($0.element.actor): \($0.element.action)" }.joined(separator: "\n")
    }
}
