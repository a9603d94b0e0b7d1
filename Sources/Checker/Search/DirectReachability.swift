import Platform
import SMT

/// One-step attacks: the attacker touches the target's memory through its own translation.
struct DirectReachability {
    enum Outcome {
        case attack([Step])
        case blocked(Certificate)
        case unknown(String)
    }

    let platform: Platform
    let capabilities: Capabilities
    let options: CheckOptions
    /// The target ranges to encode, when a sliced search narrowed them (all of the goal's otherwise).
    var targets: [TargetRange]? = nil

    /// Looks for a direct path; when there is none, returns the minimal set of configuration
    /// facts that blocks every path, re-checked in a fresh solver context.
    func search(_ property: Property, paths: [AccessPath]? = nil, state: AttackState = AttackState()) throws(SMTError) -> Outcome {
        let context = try Context()
        let query = try build(property, in: context, only: nil, paths: paths, state: state)
        switch query.solver.check(assuming: query.facts.literals) {
        case .unknown(let reason):
            return .unknown("the solver gave up: \(reason)")
        case .sat(let model):
            return .attack(try witness(property, model: model, query: query, paths: paths ?? capabilities.paths(of: property.attacker)))
        case .unsat(let core):
            var blocking = query.facts.indices(of: core)
            blocking = minimise(blocking, query: query)
            // Re-check the certificate: a fresh context with only the blocking facts must stay unsatisfiable.
            let fresh = try Context()
            let recheck = try build(property, in: fresh, only: Set(blocking), paths: paths, state: state)
            guard case .unsat = recheck.solver.check(assuming: recheck.facts.literals) else {
                return .unknown("the proof's certificate did not re-check in a fresh solver")
            }
            let facts = blocking.map { "\(query.facts.facts[$0].text) (\(query.facts.facts[$0].location))" }
            return .blocked(Certificate(method: "direct reachability: no address of the attacker's translations reaches the target",
                                        blockingFacts: facts.isEmpty ? ["\(property.attacker) has no path to memory that grants this access"] : facts,
                                        recheckQueries: 1))
        }
    }

    /// Deletion-based minimisation of an unsat core: drop each fact the others already block without.
    private func minimise(_ core: [Int], query: ReachabilityQuery) -> [Int] {
        // Each deletion costs a solver check: minimise the small cores people read; a large core is
        // still a valid (re-checked) certificate, just not a minimal one.
        guard core.count <= 12 else { return core }
        var kept = core
        var i = 0
        while i < kept.count {
            var trial = kept
            trial.remove(at: i)
            if case .unsat = query.solver.check(assuming: trial.map { query.facts.facts[$0].literal }) {
                kept = trial
            } else {
                i += 1
            }
        }
        return kept
    }

    func build(_ property: Property, in context: Context, only: Set<Int>?, paths given: [AccessPath]? = nil, state: AttackState = AttackState()) throws(SMTError) -> ReachabilityQuery {
        let query = try ReachabilityQuery(context: context, only: only)
        if let ms = options.timeoutMilliseconds { query.solver.setTimeout(milliseconds: ms) }
        if let limit = options.resourceLimit { query.solver.setRLimit(limit) }
        let smram = query.smramGuards(platform, state: state, right: property.goal.verb == "read" ? .read : .write)
        let paths = given ?? capabilities.paths(of: property.attacker)
        switch property.goal {
        case .read:
            query.attackerReaches(paths, right: .read, smram: smram, prefix: "path")
            query.hpaIn(targetRanges(property), prefix: "target")
        case .write:
            query.attackerReaches(paths, right: .write, smram: smram, prefix: "path")
            query.hpaIn(targetRanges(property), prefix: "target")
        case .exec:
            query.attackerReaches(paths, right: .write, smram: smram, prefix: "path")
            query.hpaIn(targetRanges(property), prefix: "exec")
        case .dos:
            query.solver.assert(context.bool(false))
        }
        return query
    }

    func targetRanges(_ property: Property) -> [TargetRange] {
        if let targets { return targets }
        return switch property.goal {
        case .read(let t), .write(let t): capabilities.memory(of: t)
        case .exec(let t): capabilities.executable(by: t)
        case .dos: []
        }
    }

    /// Turns a model into concrete steps, choosing the path in Swift from the model's addresses.
    private func witness(_ property: Property, model: Model, query: ReachabilityQuery, paths: [AccessPath]) throws(SMTError) -> [Step] {
        guard let modelHPA = try model.uint64(query.hpa) else {
            throw SMTError(code: .invalidUsage, message: "the model gives no address")
        }
        let right: Permissions = property.goal.verb == "read" ? .read : .write
        let path = paths.first { !$0.rights.isDisjoint(with: right) && modelHPA >= $0.hpa && modelHPA - $0.hpa < $0.size }
        let modelAddress = path.map { $0.base + (modelHPA - $0.hpa) } ?? modelHPA
        // Report the lowest address of that path that lands in the same target range as the model's:
        // stable across solver versions, and the first byte is what a person expects.
        var address = modelAddress
        var hpa = modelHPA
        if let path, let range = targetRanges(property).first(where: { hpa >= $0.base && hpa - $0.base < $0.size }) {
            let low = max(path.hpa, range.base)
            let smram = platform.smm?.smram.flatMap { platform.region(named: $0) }
            if smram?.contains(low) != true || smram?.contains(hpa) == true {
                address = path.base + (low - path.hpa)
                hpa = low
            }
        }
        var steps: [Step] = []
        let access: Access = right == .read ? .read : .write
        if let path, case .dma(let device) = path.medium {
            steps.append(Step(actor: .device(device), action: .dma(access, address: address, hpa: hpa)))
        } else {
            steps.append(Step(actor: property.attacker, action: .access(access, gpa: address, hpa: hpa, userMode: false)))
        }
        if case .exec = property.goal {
            if let range = targetRanges(property).first(where: { hpa >= $0.base && hpa - $0.base < $0.size }) {
                if let execPath = range.path {
                    let gpa = execPath.base + (hpa - execPath.hpa)
                    let user = !execPath.rights.contains(.execute) && execPath.rights.contains(.userExecute)
                    steps.append(Step(actor: execPath.actor, action: .access(.execute, gpa: gpa, hpa: hpa, userMode: user)))
                } else if case .exec(.principal(let p)) = property.goal {
                    steps.append(Step(actor: p, action: .access(.execute, gpa: hpa, hpa: hpa, userMode: false)))
                }
            }
        }
        return steps
    }
}
