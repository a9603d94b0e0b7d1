import Platform
import SMT

/// Moves through hypervisor and SMM handlers. The solver decides whether a handler's guards
/// admit arguments whose effect lands where the attacker wants, and picks those arguments.
final class HandlerMoves {
    let platform: Platform
    let context: Context
    let solver: Solver
    private var encodings: [Int: HandlerEncoding] = [:]
    /// Query results, keyed by everything a query depends on — not by the whole attack state, so
    /// that states which differ only in facts a handler does not read share their answers.
    private var cache: [QueryKey: (move: Move?, refutation: Int?)] = [:]
    /// The same for queries about the property's own target regions, which later properties (other
    /// targets) do not ask again: kept for one property only, so a run's memory does not grow with
    /// the number of questions.
    private var goalCache: [QueryKey: (move: Move?, refutation: Int?)] = [:]
    private var fetchesCache: [FetchesKey: Fetches] = [:]

    struct QueryKey: Hashable {
        var handler: Int
        var effect: Int
        var caller: Principal
        var label: String
        /// The world core (`World.Core.id`): it fixes the caller's paths and the reachable sets.
        var world: Int
        /// The attacker, which fixes its own data (`AttackerData`, built once per attacker by the path cache).
        var attacker: Principal?
        /// Where a planting query's victim fetches (`fetches(of:)`; nil for other queries).
        var fetched: FetchesKey?
    }
    /// How many satisfiability checks this generator ran.
    var queries = 0
    /// Effects whose query is unsat even with every caller-specific constraint dropped (see `HandlerMoves+Slicing`).
    var refutedForAnyCaller: [SlicedKey: Bool] = [:]
    /// Results that were neither sat nor unsat, with the solver's reason.
    private(set) var unknowns: [String] = []
    /// Handler effects the solver showed cannot serve the attacker, with where they are in the model.
    var refuted: [String] { refutedIDs.map { facts[$0] } }
    /// Refutation facts by number (`facts`), for the property whose moves are being listed.
    private var refutedIDs: [Int] = []
    /// Which fact numbers `refutedIDs` holds, one bit each: a property notes thousands of facts,
    /// most of them again and again, so membership is a bit test rather than a hash.
    private var refutedBits: [UInt64] = []
    /// Every refutation fact of the run, numbered, so that a property lists them without hashing text.
    private var facts: [String] = []
    private var factIDs: [String: Int] = [:]
    /// While listing the planting attempts of one effect: the facts they note, in order.
    private var capturedFacts: [Int]?

    private func factID(_ fact: String) -> Int {
        if let id = factIDs[fact] { return id }
        facts.append(fact)
        factIDs[fact] = facts.count - 1
        return facts.count - 1
    }

    private func noteRefuted(_ id: Int) {
        noteRefuted(contentsOf: CollectionOfOne(id))
    }

    /// Notes many facts at once (a memoised list of planting attempts): one access to the bitmap
    /// and the list for the whole batch, not one per fact.
    private func noteRefuted(contentsOf ids: some Collection<Int>) {
        capturedFacts?.append(contentsOf: ids)
        guard let highest = ids.max() else { return }
        var bits = refutedBits, list = refutedIDs
        refutedBits = []
        refutedIDs = []
        if highest >> 6 >= bits.count { bits += Array(repeating: 0, count: (highest >> 6) + 1 - bits.count) }
        for id in ids {
            let word = id >> 6, bit = UInt64(1) << UInt64(id & 63)
            if bits[word] & bit == 0 {
                bits[word] |= bit
                list.append(id)
            }
        }
        refutedBits = bits
        refutedIDs = list
    }

    /// The planting attempts of one effect for one caller in one world (`plantMemo`): they do not
    /// depend on the property's goal, and a platform with many contexts has many of them.
    struct PlantKey: Hashable {
        var handler: Int
        var effect: Int
        var caller: Principal
        var world: Int
        var attacker: Principal?
        /// The victims' fetch keys, numbered (`plantSets`).
        var victims: Int
    }
    private var plantMemo: [PlantKey: (moves: [Move], facts: [Int])] = [:]
    private var plantSets: [[FetchesKey]: Int] = [:]
    /// The property's time and memory budget; each query gets at most the time left.
    var budget: Budget?
    /// When set, every query is kept as SMT-LIB2 text with the answer Z3 gave.
    var recording = false
    private(set) var recorded: [(label: String, answer: String, text: String)] = []

    /// The attacker's own data, for the property whose moves are being listed: the attacker and
    /// its devices (`side`, the machine's `side(of:)`; a context taken over later does not add its
    /// own) and the memory they own, which holds the attacker's bytes without a write.
    private(set) var data: AttackerData?
    private var attacker: Principal?

    /// The largest number of bytes one effect touches (the machine uses the same bound).
    static let effectLimit: UInt64 = 1 << 20

    let options: CheckOptions

    /// Paths and worlds derived from the configuration (no solver answers), possibly shared.
    let pathCache: PathCache

    init(platform: Platform, options: CheckOptions, pathCache: PathCache? = nil) throws(SMTError) {
        self.platform = platform
        self.options = options
        self.pathCache = pathCache ?? PathCache(platform: platform, atoms: options.atoms)
        self.context = try Context()
        self.solver = try context.makeSolver(logic: "QF_BV")
        if let ms = options.timeoutMilliseconds { solver.setTimeout(milliseconds: ms) }
        if let r = options.resourceLimit { solver.setRLimit(r) }
    }

    /// The fact name for "the attacker's bytes are at the entry point of this region" (SMRAM's, where SMM starts at an SMI).
    static func entry(_ region: String) -> String { "entry point of \(region)" }

    /// Writing an entry point also writes its region.
    static func writtenFacts(_ name: String) -> Set<String> {
        let prefix = entry("")
        return name.hasPrefix(prefix) ? [name, String(name.dropFirst(prefix.count))] : [name]
    }

    /// Starts the bookkeeping of a new property; cached answers stay (their key holds the side and what it owns).
    func beginProperty(budget: Budget?, attacker: Principal) {
        data = pathCache.data(of: attacker)
        self.attacker = attacker
        for id in refutedIDs { refutedBits[id >> 6] = 0 }
        refutedIDs = []
        goalCache = [:]
        unknowns = []
        queries = 0
        self.budget = budget
    }

    private var all: [(handler: Handler, smm: Bool)] {
        platform.hypervisor.handlers.map { ($0, false) } + (platform.smm?.handlers ?? []).map { ($0, true) }
    }

    private func encoding(_ index: Int) -> HandlerEncoding {
        if let e = encodings[index] { return e }
        let e = HandlerEncoding(all[index].handler, platform: platform, context: context, prefix: "h\(index)")
        encodings[index] = e
        return e
    }

    private func bv(_ v: UInt64) -> Term { context.bv(v, width: 64) }

    /// The assumption under which a handler query keeps only strict witnesses (`attempt`).
    private lazy var strictWitness = context.boolConst("strict_witness")

    // MARK: - Moves

    /// The moves through every handler. `victims` are the contexts in which running the
    /// attacker's bytes adds a fact (a handler that writes or copies them where one fetches plants code).
    func moves(_ world: World, relevant: [Region], goal: Goal, victims: [Principal]) -> [Move] {
        // The cache keys name the world by its core, so the world must come from this engine's cache.
        let world = World(platform: platform, state: world.state, cache: pathCache)
        var result: [Move] = []
        // The hypervisor and the VTLs run code wherever they fetch: a byte of the attacker's planted
        // there runs next (code integrity, for the attacker's own contexts: written bytes, kernel-mode fetches).
        let plantable: [Fetches] = victims.compactMap { victim in
            switch victim {
            case .hypervisor, .vtl: break
            case .smm, .device: return nil
            }
            let f = fetches(of: victim, ownedCounts: !(data?.side.contains(victim) ?? false), world)
            return f.ranges.isEmpty ? nil : f
        }
        let keys = plantable.map(\.key)
        let plantSet = plantSets[keys] ?? plantSets.count
        plantSets[keys] = plantSet
        // SMM starts running at an SMI from the first byte of its entry point, SMBASE + 0x8000
        // (Layout.smmEntryOffset): planting code there is a fact the next SMI turns into control.
        var entryPoints: [Region] = []
        if let smram = world.smram {
            entryPoints.append(Region(name: Self.entry(smram.name), base: smram.base + Layout.smmEntryOffset, size: 1, owner: .smm, kind: .smram, isSecret: false, location: smram.location))
        }
        let targets = Targets(read: goal.verb == "read" ? relevant : [], write: (goal.verb == "write" ? relevant : []) + entryPoints,
                              relevant: relevant, goalNames: Set(relevant.map(\.name)))
        for (index, entry) in all.enumerated() {
            for caller in callers(of: entry.handler, smm: entry.smm, world) {
                result += moves(handler: index, smm: entry.smm, caller: caller, world, targets: targets, plantable: plantable, plantSet: plantSet)
            }
        }
        return result
    }

    /// What the effects of every handler aim at while one list of moves is made.
    private struct Targets {
        /// Regions a copy or leak may read, and regions a write or copy may write.
        var read: [Region]
        var write: [Region]
        /// The goal's regions (a mapping may map them in), and their names.
        var relevant: [Region]
        var goalNames: Set<String>
    }

    /// The hypervisor's code regions (a mapping effect may map them in).
    private lazy var hypervisorCode = platform.regions.filter { $0.owner == .hypervisor && $0.kind == .code }

    /// Who can set the handler off: controlled VTLs whose VMCS makes the trigger exit, or for
    /// SMI handlers the context that reaches port 0xB2.
    private func callers(of h: Handler, smm: Bool, _ world: World) -> [Principal] {
        if smm {
            guard let source = world.smiSource(), h.callers.isEmpty || h.callers.contains(source) else { return [] }
            // The handler's parameters come from its communication buffer: the attacker must write it.
            if let name = h.commBuffer, let buffer = platform.region(named: name),
                world.find(.write, in: buffer.base..<buffer.base + 8, paths: world.paths(of: source)) == nil
            {
                return []
            }
            return [source]
        }
        return world.state.controls.sorted().filter { c in
            guard let vtl = platform.vtl(of: c), h.callers.isEmpty || h.callers.contains(c) else { return false }
            switch h.trigger {
            case .hypercall, .cpuid: return true
            case .io(let low, let high, _): return (low...min(high, low + 63)).contains { vtl.vmcs.ioExits(port: $0, size: 1) }
            case .msr(let low, let high, let d): return (low...min(high, low + 63)).contains { vtl.vmcs.msrExits($0, write: d == .write) }
            case .mmio(let gpa, _, _): return !vtl.mappings.contains { $0.translate(gpa) != nil }
            case .smi: return false
            }
        }
    }

    /// Where a victim of planted code fetches: its executable ranges outside a closed SMRAM (for
    /// the attacker's own contexts, only those it may run kernel-mode code from, unless `ownedCounts`).
    struct Fetches {
        var key: FetchesKey
        var ranges: [TargetRange]
        var set: IntervalSet
        var victim: Principal { key.victim }
        var ownedCounts: Bool { key.ownedCounts }
    }

    struct FetchesKey: Hashable {
        var victim: Principal
        var ownedCounts: Bool
        var smram: Range<UInt64>?
    }

    /// The executable ranges come from the configuration, so they are built once per victim and SMRAM.
    private func fetches(of victim: Principal, ownedCounts: Bool, _ world: World) -> Fetches {
        let key = FetchesKey(victim: victim, ownedCounts: ownedCounts, smram: world.smram.map { $0.base..<$0.end })
        if let hit = fetchesCache[key] { return hit }
        // The path cache's arrays are shared, not copied, unless a range must go or be cut
        // (RP-L has a million executable ranges; each engine keeps these for every victim).
        let all = world.capabilities.executable(by: .principal(victim))
        var ranges = all
        var changed = false
        if !ownedCounts, !all.allSatisfy({ $0.path?.rights.contains(.execute) ?? true }) {
            ranges = all.filter { $0.path?.rights.contains(.execute) ?? true }
            changed = true
        }
        if let smram = key.smram, ranges.contains(where: { $0.overlaps(smram) }) {
            ranges = ranges.flatMap { $0.overlaps(smram) ? $0.outside(smram) : [$0] }
            changed = true
        }
        let set = changed ? IntervalSet(ranges.map { $0.base..<($0.base &+ $0.size) }) : world.capabilities.executableSet(of: victim)
        let f = Fetches(key: key, ranges: ranges, set: set)
        fetchesCache[key] = f
        return f
    }

    private func moves(handler index: Int, smm: Bool, caller: Principal, _ world: World, targets: Targets, plantable: [Fetches], plantSet: Int) -> [Move] {
        let e = encoding(index)
        var result: [Move] = []
        let callerPaths = world.paths(of: caller)
        let writable = world.reachable(.write)
        let readTargets = targets.read, writeTargets = targets.write, relevant = targets.relevant, goalNames = targets.goalNames
        for (k, effect) in e.effects.enumerated() {
            /// Runs the planting attempts of this effect once per caller, world, attacker and victims.
            func plantingAttempts(_ body: () -> Void) {
                let key = PlantKey(handler: index, effect: k, caller: caller, world: world.core.id, attacker: attacker, victims: plantSet)
                if !recording, let hit = plantMemo[key] {
                    result += hit.moves
                    noteRefuted(contentsOf: hit.facts)
                    return
                }
                let start = result.count, unknownsBefore = unknowns.count
                capturedFacts = []
                body()
                // Only decided answers are kept, as in `cache`.
                if !recording, unknowns.count == unknownsBefore { plantMemo[key] = (Array(result[start...]), capturedFacts ?? []) }
                capturedFacts = nil
            }
            /// `needs`: the operand whose translation the constraint confines to host addresses, and them.
            /// `goal`: the query is about one of the property's target regions (`goalCache`).
            func attempt(_ label: String, goal: Bool = false, fetched: Fetches? = nil, needs: (HandlerEncoding.Place, IntervalSet)? = nil, _ constraint: (inout Query) -> Term?, gain: (Model, Query) throws(SMTError) -> (AttackState, [Step])?) {
                let key = QueryKey(handler: index, effect: k, caller: caller, label: label, world: world.core.id, attacker: attacker, fetched: fetched?.key)
                if let cached = goal ? goalCache[key] : cache[key] {
                    if let m = cached.move { result.append(m) }
                    if let id = cached.refutation { noteRefuted(id) }
                    return
                }
                // A query is not even built once the property's time or memory is spent: building one
                // over 10^5 paths takes seconds that no solver limit covers.
                if let reason = budget?.exhausted() {
                    unknowns.append("\(e.handler.title) (\(label)): \(reason)")
                    return
                }
                // The hypervisor translates through the caller's current EPT: first its own, then each
                // EPT the caller can switch to with VMFUNC, whose step then comes first.
                let groups = world.core.translationGroups(of: caller, paths: callerPaths)
                var move: Move?
                var decided = true
                for group in groups where move == nil {
                    // Sliced queries (large callers): no path at all, or no arguments even for any caller.
                    if Atoms.slices(group.paths.count, options), !recording,
                        unreachable(needs, caller: caller, smm: smm, world)
                            || refutedForEveryCaller(SlicedKey(handler: index, effect: k, label: label, fetched: fetched?.key),
                                condition: effect.condition && trigger(e, caller: caller, world), world, encoding: e, caller: caller, smm: smm, constraint) { continue }
                    var q = Query(owner: self, world: world, callerPaths: group.paths, encoding: e, caller: caller, inSMM: smm)
                    guard let c = constraint(&q) else { continue }
                    if q.sliced, q.impossible { continue }
                    // The effect as one step of the whole invocation (HandlerSequence.swift).
                    let sequence = q.sequence(k)
                    solver.push()
                    // Planted code runs in a step after the call: a later `shutdown` of the call leaves none.
                    let runsAfterwards = q.plantsCode ? !sequence.laterShutdown : context.bool(true)
                    solver.assert(effect.condition && trigger(e, caller: caller, world) && c && sequence.precise && runsAfterwards)
                    // The strict witnesses hold behind an assumption, not in a scope of their own: a push
                    // makes Z3 internalise what is asserted, outside the check and so outside its time
                    // limit, which a query over 10^5 unmerged paths spends minutes on. Without a push
                    // the first check does that work, under the limit.
                    solver.assert(strictWitness.implies(sequence.strict))
                    var assumptions = [strictWitness]
                    var pushed = 0
                    queries += 1
                    if let left = budget?.remainingMilliseconds { solver.setTimeout(milliseconds: min(left, options.timeoutMilliseconds ?? left)) }
                    var answer = solver.check(assuming: assumptions)
                    if answer.isUnsat {
                        // Only witnesses where another effect disturbs the bytes this one rests on: the
                        // search cannot tell what those bytes are then, so the query is undecided.
                        assumptions = []
                        queries += 1
                        if !solver.check().isUnsat {
                            decided = false
                            unknowns.append("\(e.handler.title) (\(label)): another effect of the handler may overwrite the bytes this one moves, or change the caller's translation before it")
                        }
                    }
                    // Better witnesses when there are some, tried in order: one after which the platform
                    // still runs, one that needs no staging or later read step (a shorter move), then clearer ones.
                    if answer.isSat {
                        let noShutdown = !sequence.laterShutdown
                        let shorter = [q.unstaged(), q.observedAtOnce].compactMap { $0 }
                        let choices = shorter.isEmpty ? [noShutdown] : [noShutdown && context.and(shorter), noShutdown, context.and(shorter)]
                        for candidates in [choices, q.preferred] {
                            // The first candidate that is sat stays asserted.
                            for candidate in candidates {
                                solver.push()
                                solver.assert(candidate)
                                let better = solver.check(assuming: assumptions)
                                if better.isSat {
                                    answer = better
                                    pushed += 1
                                    break
                                }
                                solver.pop()
                            }
                        }
                    }
                    if recording {
                        let word = answer.isSat ? "sat" : answer.isUnsat ? "unsat" : "unknown"
                        // The text asserts the assumptions the answer was given under.
                        solver.push()
                        for assumption in assumptions { solver.assert(assumption) }
                        recorded.append(("\(e.handler.title) called by \(caller): \(label)", word, solver.smtlib2()))
                        solver.pop()
                    }
                    switch answer {
                    case .sat(let model):
                        if let (gained, extraSteps) = try? gain(model, q), let call = try? triggerStep(e, caller: caller, model: model) {
                            // A later `shutdown` of the same call ends the attack: the move is terminal.
                            var g = gained
                            if (try? model.bool(sequence.laterShutdown)) == true { g.shutdown = true }
                            let staging = (try? q.staging(model)) ?? []
                            let observation = (try? q.observation(model)) ?? []
                            // The victim of planted code fetches it after the call.
                            guard let run = try? q.execution(model) else {
                                decided = false
                                unknowns.append("\(e.handler.title) (\(label)): the solver's witness names no byte the victim fetches")
                                break
                            }
                            if g.shutdown && !(observation.isEmpty && run.isEmpty) {
                                // Nothing is read or run after a shutdown; the query did not settle whether it must be.
                                decided = false
                                unknowns.append("\(e.handler.title) (\(label)): the platform shuts down before the attacker \(run.isEmpty ? "reads the bytes" : "can run the planted code")")
                                break
                            }
                            move = Move(steps: group.prefix + extraSteps + staging + [call] + run + observation, gain: g, label: "\(e.handler.title): \(label)",
                                        clobbers: writes(e, model, callerPaths: group.paths, inSMM: smm))
                        }
                    case .unsat:
                        break
                    case .unknown(let reason):
                        decided = false
                        unknowns.append("\(e.handler.title) (\(label)): \(reason)")
                    }
                    solver.pop(1 + pushed)
                }
                var refutation: Int?
                if move == nil && decided {
                    let id = factID("\(e.handler.title): no arguments pass its guards and \(label) (\(effect.location))")
                    noteRefuted(id)
                    refutation = id
                }
                if decided {
                    if goal { goalCache[key] = (move, refutation) } else { cache[key] = (move, refutation) }
                }
                if let move { result.append(move) }
            }
            switch effect.kind {
            case .write(let to, let length):
                for region in writeTargets where !world.state.written.contains(region.name) {
                    attempt("write \(region.name)", goal: goalNames.contains(region.name), needs: (to, IntervalSet([region.base..<region.end])), { q in q.lands(to, length: length, in: region) }) { _, _ in
                        var g = AttackState(); g.written = Self.writtenFacts(region.name); return (g, [])
                    }
                }
                plantingAttempts {
                    for p in plantable {
                        attempt("plant code for \(p.victim)", fetched: p, needs: (to, p.set), { q in q.plants(nil, to: to, length: length, victim: p.victim, ranges: p.ranges, set: p.set, ownedCounts: p.ownedCounts) }) { _, _ in
                            var g = AttackState(); g.controls = [p.victim]; g.injected = [p.victim]; return (g, [])
                        }
                    }
                }
            case .copy(let from, let to, let length):
                for region in readTargets where !world.state.read.contains(region.name) {
                    attempt("read \(region.name)", goal: true, needs: (from, IntervalSet([region.base..<region.end])), { q in q.leaks(from, to: to, length: length, from: region) }) { _, _ in
                        var g = AttackState(); g.read = [region.name]; return (g, [])
                    }
                }
                for region in writeTargets where !world.state.written.contains(region.name) {
                    attempt("copy into \(region.name)", goal: goalNames.contains(region.name), needs: (to, IntervalSet([region.base..<region.end])), { q in q.smuggles(from, to: to, length: length, into: region) }) { _, _ in
                        var g = AttackState(); g.written = Self.writtenFacts(region.name); return (g, [])
                    }
                }
                plantingAttempts {
                    for p in plantable {
                        attempt("copy code for \(p.victim)", fetched: p, needs: (to, p.set), { q in q.plants(from, to: to, length: length, victim: p.victim, ranges: p.ranges, set: p.set, ownedCounts: p.ownedCounts) }) { _, _ in
                            var g = AttackState(); g.controls = [p.victim]; g.injected = [p.victim]; return (g, [])
                        }
                    }
                }
            case .leak(let source, let length, let to):
                guard readTargets.contains(where: { $0.name == source }), !world.state.read.contains(source) else { continue }
                let leaked = platform.region(named: source).map { $0.base..<$0.end } ?? 0..<0
                attempt("leak \(source)", goal: true, { q in q.readable(to, length: length, of: leaked) }) { _, _ in
                    var g = AttackState(); g.read = [source]; return (g, [])
                }
            case .map(let principal, let gpa, let size, let hpa, let rights):
                let target = principal ?? caller
                guard world.state.controls.contains(target) else { continue }
                for region in relevant + hypervisorCode + (world.smram.map { [$0] } ?? []) {
                    attempt("map \(region.name) into \(target)", goal: goalNames.contains(region.name), { q in q.maps(gpa: gpa, size: size, hpa: hpa, onto: region) }) { model, _ throws(SMTError) in
                        guard let g = try model.uint64(gpa), let s = try model.uint64(size), let h = try model.uint64(hpa) else { return nil }
                        var state = AttackState()
                        state.extra = [.init(principal: target, gpa: g, size: s, hpa: h, rights: rights, handoff: nil, origin: effect.location)]
                        return (state, [])
                    }
                }
            case .give(let name, let to, let gpa, let rights):
                guard world.state.controls.contains(to), let region = platform.region(named: name) else { continue }
                attempt("receive \(name)", { q in q.aligned(gpa, size: region.size) }) { model, _ throws(SMTError) in
                    guard let g = try model.uint64(gpa) else { return nil }
                    var state = AttackState()
                    let handoff: AttackState.Handoff = platform.hypervisor.scrubOnFree ? .scrubbed : .stale(region: name)
                    state.extra = [.init(principal: to, gpa: g, size: region.size, hpa: region.base, rights: rights, handoff: handoff, origin: effect.location)]
                    return (state, [])
                }
            case .setProtection(let target, _, _, _):
                guard case .vtl(let p, let level) = target, case .vtl(let cp, let clevel) = caller, p == cp, clevel > level,
                    world.state.controls.contains(target), !world.state.unprotected.contains(target)
                else { continue }
                attempt("lift the protections on \(target)", { q in q.context.bool(true) }) { _, _ in
                    var g = AttackState(); g.unprotected = [target]; return (g, [])
                }
            case .call(let address):
                let owner: Principal = smm ? .smm : .hypervisor
                if smm, platform.smm?.codeCheck == true, let smram = world.smram, !world.state.shutdown {
                    attempt("call outside SMRAM", { q in !q.inRange(address, smram.base..<smram.end) }) { _, _ in
                        var g = AttackState(); g.shutdown = true; return (g, [])
                    }
                }
                guard !world.state.injected.contains(owner) else { continue }
                // The attacker's own memory holds its code already (outside SMRAM, which a call from the
                // hypervisor cannot fetch while closed).
                let ownCode = world.smram.map { (data?.owned ?? IntervalSet()).subtracting($0.base..<$0.end) } ?? data?.owned ?? IntervalSet()
                attempt("run attacker code as \(owner)", { q in
                    // No earlier effect of the call may overwrite the code it runs.
                    q.keeps = [.earlier(address, .attackers)]
                    // Code the attacker owns needs no write first: the shorter move.
                    if !ownCode.isEmpty { q.preferred = [q.inSet(address, ownCode)] }
                    var c = q.inSet(address, writable) || q.inSet(address, ownCode)
                    if smm, platform.smm?.codeCheck == true, let smram = world.smram { c = c && q.inRange(address, smram.base..<smram.end) }
                    return c
                }) { model, _ throws(SMTError) in
                    guard let target = try model.uint64(address) else { return nil }
                    var g = AttackState(); g.controls = [owner]; g.injected = [owner]
                    if ownCode.contains(target) { return (g, []) }
                    guard let (path, a, h) = world.find(.write, in: target..<target + 1) else { return nil }
                    return (g, world.accessStep(.write, path: path, address: a, hpa: h))
                }
            case .shutdown:
                guard !world.state.shutdown else { continue }
                attempt("shut down", { q in q.context.bool(true) }) { _, _ in
                    var g = AttackState(); g.shutdown = true; return (g, [])
                }
            case .unmap, .returnValue:
                continue
            }
        }
        return result
    }

    /// The host-physical bytes a call with the model's arguments may write (every `write` and
    /// `copy` whose condition holds, guest operands through the caller's paths): bytes that hold
    /// the attacker's data, or copies, afterwards, not their owner's.
    private func writes(_ e: HandlerEncoding, _ model: Model, callerPaths: [AccessPath], inSMM: Bool) -> IntervalSet {
        var set = IntervalSet()
        for effect in e.effects {
            let place: HandlerEncoding.Place, length: Term
            switch effect.kind {
            case .write(let to, let l): (place, length) = (to, l)
            case .copy(_, let to, let l): (place, length) = (to, l)
            default: continue
            }
            guard (try? model.bool(effect.condition)) != false else { continue }
            let n = min((try? model.uint64(length)) ?? Self.effectLimit, Self.effectLimit)
            switch place {
            case .result:
                continue
            case .host(let t):
                guard n > 0, let a = try? model.uint64(t) else { continue }
                if a &+ n < a { set.insert(a..<UInt64.max); set.insert(0..<(a &+ n)) } else { set.insert(a..<a + n) }
            case .guest(let t):
                guard n > 0, let g = try? model.uint64(t) else { continue }
                let end = g &+ n < g ? UInt64.max : g + n
                // Only SMM takes `guest` operands as physical (Query.address).
                if inSMM {
                    set.insert(g..<end)
                    continue
                }
                for p in callerPaths {
                    let guest = p.guestRange
                    guard guest.lowerBound < end && g < guest.upperBound else { continue }
                    let low = max(g, guest.lowerBound), high = min(end, guest.upperBound)
                    let (start, wraps) = p.hpa.addingReportingOverflow(low - p.base)
                    guard !wraps else { continue }
                    let (stop, past) = p.hpa.addingReportingOverflow(high - p.base)
                    set.insert(start..<(past ? UInt64.max : stop))
                }
            }
        }
        return set
    }

    // MARK: - Triggers

    /// Constraints on the implicit parameters: the access must be one that reaches the handler.
    private func trigger(_ e: HandlerEncoding, caller: Principal, _ world: World) -> Term {
        let t = context.bool(true)
        func p(_ name: String) -> Term { e.parameter(name)! }
        switch e.handler.trigger {
        case .hypercall, .smi: return t
        case .io(let low, let high, _):
            let port = p("port"), size = p("size")
            return port.uge(bv(UInt64(low))) && port.ule(bv(UInt64(high))) && ((size .== bv(1)) || (size .== bv(2)) || (size .== bv(4)))
                && (port &+ size).ule(bv(0x1_0000)) && p("value").ule(bv(0xFFFF_FFFF))
        case .msr(let low, let high, _):
            let msr = p("msr")
            return msr.uge(bv(UInt64(low))) && msr.ule(bv(UInt64(high)))
        case .mmio(let gpa, let size, _):
            let address = p("gpa"), s = p("size")
            return address.uge(bv(gpa)) && (address &- bv(gpa)).ult(bv(size)) && (p("offset") .== address &- bv(gpa))
                && ((s .== bv(1)) || (s .== bv(2)) || (s .== bv(4)) || (s .== bv(8)))
        case .cpuid:
            return p("leaf").ule(bv(0xFFFF_FFFF)) && p("subleaf").ule(bv(0xFFFF_FFFF))
        }
    }

    /// The step that sets the handler off, with the model's arguments.
    private func triggerStep(_ e: HandlerEncoding, caller: Principal, model: Model) throws(SMTError) -> Step {
        func value(_ name: String) throws(SMTError) -> UInt64 { try e.parameter(name).flatMap { t throws(SMTError) in try model.uint64(t) } ?? 0 }
        var declared: [UInt64] = []
        for name in e.handler.parameters { declared.append(try value(name)) }
        switch e.handler.trigger {
        case .hypercall(let n):
            return Step(actor: caller, action: .hypercall(number: n, arguments: declared))
        case .smi(let n):
            return Step(actor: caller, action: .smi(number: n, arguments: declared))
        case .io(_, _, let d):
            return Step(actor: caller, action: .io(port: UInt32(try value("port")), size: UInt32(try value("size")), value: try value("value"), write: d != .read))
        case .msr(_, _, let d):
            return Step(actor: caller, action: .msr(index: UInt32(try value("msr")), value: try value("value"), write: d == .write))
        case .mmio(_, _, let d):
            return Step(actor: caller, action: .mmio(gpa: try value("gpa"), size: UInt32(try value("size")), value: try value("value"), write: d != .read))
        case .cpuid:
            return Step(actor: caller, action: .cpuid(leaf: UInt32(try value("leaf")), subleaf: UInt32(try value("subleaf"))))
        }
    }
}
