import Platform
import SMT

/// A handler runs its statements in order (docs/machine.md, "Handlers"): an effect happens only
/// when no earlier one stopped the handler (a byte it could not reach, a bound it passed) or
/// shut the platform down; an earlier effect may overwrite the bytes a later one reads or runs,
/// and a later one may overwrite what an earlier one left for the attacker. These constraints
/// make one effect's query a query about the whole invocation.
extension HandlerMoves.Query {
    /// What the invocation adds to the effect's own query.
    struct Sequence {
        /// Exact: the handler reaches the effect, every byte of it before the one that matters moves,
        /// and no other effect surely spoils the bytes the move rests on.
        var precise: Term
        /// No other effect of the handler disturbs the bytes the move rests on. Stronger than the
        /// machine needs (an overwrite with the same bytes would do), so a query that is sat only
        /// without it is undecided, never refuted.
        var strict: Term
        /// A later effect of the same invocation shuts the platform down.
        var laterShutdown: Term
    }

    private func word(_ v: UInt64) -> Term { context.bv(v, width: 64) }

    /// The constraints of effect `k` of the handler as one step of the whole invocation.
    func sequence(_ k: Int) -> Sequence {
        let effects = encoding.effects
        var precise = reached(k)
        if let moved {
            for place in [moved.from, moved.to].compactMap({ $0 }) {
                precise = precise && valid(place, count: moved.off &+ word(1))
            }
        }
        var strict: [Term] = []
        var relaxed: [Term] = []
        for j in effects.indices where j != k {
            let other = effects[j]
            let runs = j < k ? other.condition : other.condition && reached(j)
            // Each overwrite of a byte the move rests on, and when the byte it leaves is surely wrong.
            var disturbs: [(Term, spoils: Term)] = []
            for keep in keeps {
                switch keep {
                case .earlier(let h, let want) where j < k, .later(let h, let want) where j > k:
                    if let i = offset(of: h, in: other) { disturbs.append((writes(other, h), spoils(other, at: i, want))) }
                case .laterResult(let index, let want) where j > k:
                    disturbs.append((writesResult(other, index), spoils(other, at: index, want)))
                default:
                    break
                }
            }
            // The earlier effects' bytes were placed through the caller's EPT as it was before the call.
            if j < k, changesCallerTranslation(other) { disturbs.append((context.bool(true), context.bool(false))) }
            guard !disturbs.isEmpty else { continue }
            strict.append(!(runs && context.or(disturbs.map(\.0))))
            relaxed.append(!(runs && context.or(disturbs.map { $0.0 && $0.spoils })))
        }
        let later = effects.indices.filter { $0 > k }.map { j in effects[j].condition && reached(j) && shutsDown(effects[j]) }
        return Sequence(precise: precise && context.and(relaxed), strict: context.and(strict), laterShutdown: context.or(later))
    }

    /// Whether the copy's source needs no staging step: it lies in memory the attacker's side owns,
    /// whose bytes are the attacker's without a write (`staging`, AttackerData).
    func unstaged() -> Term? {
        guard let stagedSource, ownedSourceCounts, let owned = owner.data?.owned else { return nil }
        return inSet(stagedSource, owned)
    }

    /// No effect before `k` that the handler reaches stops it or shuts the platform down.
    func reached(_ k: Int) -> Term {
        context.and(encoding.effects[..<k].map { $0.condition.implies(completes($0)) })
    }

    /// The effect, once reached, lets the handler go on (the machine's reasons to stop, exactly).
    private func completes(_ effect: HandlerEncoding.EncodedEffect) -> Term {
        let limit = word(PlatformLimits.map)
        switch effect.kind {
        case .copy(let from, let to, let length):
            return valid(from, count: length) && valid(to, count: length)
        case .write(let to, let length):
            return valid(to, count: length)
        case .leak(let region, let length, let to):
            let base = world.platform.region(named: region)?.base ?? 0
            return valid(.host(word(base)), count: length) && valid(to, count: length)
        case .map(_, let gpa, let size, let hpa, _):
            let page = word(0xFFF)
            let accepted = (((gpa | size | hpa) & page) .== word(0)) && size.ugt(word(0)) && gpa.ult(word(1 << 48)) && size.ule(word(1 << 48) &- gpa)
            return !(accepted && size.ugt(limit))
        case .give(let name, _, let gpa, _):
            guard let region = world.platform.region(named: name), region.size > PlatformLimits.map else { return context.bool(true) }
            let accepted = (region.base | region.size) & 0xFFF == 0 && region.size <= 1 << 48
            return accepted ? !(((gpa & word(0xFFF)) .== word(0)) && gpa.ule(word((1 << 48) - region.size))) : context.bool(true)
        case .call(let target):
            return target.ult(word(PlatformLimits.physical)) && !shutsDown(effect)
        case .shutdown:
            return context.bool(false)
        case .setProtection, .unmap, .returnValue:
            return context.bool(true)
        }
    }

    /// The effect, once reached, shuts the platform down: `shutdown`, or SMM calling outside SMRAM
    /// with SMM_CODE_CHK_EN set (a machine check).
    private func shutsDown(_ effect: HandlerEncoding.EncodedEffect) -> Term {
        switch effect.kind {
        case .shutdown:
            return context.bool(true)
        case .call(let target):
            guard inSMM, world.platform.smm?.codeCheck == true, let smram = world.smram else { return context.bool(false) }
            return target.ult(word(PlatformLimits.physical)) && !inRange(target, smram.base..<smram.end)
        default:
            return context.bool(false)
        }
    }

    /// Every one of the first `count` bytes of the operand (at most the effect bound) is reachable:
    /// below 2^52, and for a `guest` operand in a page the caller's EPT maps. The bytes are
    /// consecutive, so they lie in one run of mapped pages.
    private func valid(_ place: HandlerEncoding.Place, count: Term) -> Term {
        let bound = word(HandlerMoves.effectLimit)
        let n = count.ult(bound).ite(then: count, else: bound)
        let empty = n .== word(0)
        switch place {
        case .result:
            return context.bool(true)
        case .host(let e):
            return empty || within(e, n, 0..<PlatformLimits.physical)
        case .guest(let e):
            if inSMM { return empty || within(e, n, 0..<PlatformLimits.physical) }
            var runs = IntervalSet()
            for p in callerPaths { runs.insert(p.guestRange) }
            return empty || context.or(runs.intervals.map { within(e, n, $0.lowerBound..<min($0.upperBound, PlatformLimits.physical)) })
        }
    }

    /// `[e, e + n)` lies in `r`, without wrapping (n ≤ 2^20).
    private func within(_ e: Term, _ n: Term, _ r: Range<UInt64>) -> Term {
        guard r.upperBound > r.lowerBound else { return context.bool(false) }
        return e.uge(word(r.lowerBound)) && e.ule(word(r.upperBound)) && n.ule(word(r.upperBound) &- e)
    }

    /// The effect (run in full) writes host-physical byte `h` (an over-approximation when it stops early).
    private func writes(_ effect: HandlerEncoding.EncodedEffect, _ h: Term) -> Term {
        let destination: (HandlerEncoding.Place, Term)
        switch effect.kind {
        case .copy(_, let to, let length), .write(let to, let length), .leak(_, let length, let to): destination = (to, length)
        default: return context.bool(false)
        }
        let (place, length) = destination
        func covers(_ start: Term, _ at: Term) -> Term {
            (at &- start).ult(length) && (at &- start).ult(word(HandlerMoves.effectLimit))
        }
        switch place {
        case .result:
            return context.bool(false)
        case .host(let e):
            return covers(e, h)
        case .guest(let e):
            if inSMM { return covers(e, h) }
            return context.or(callerPaths.map { p in
                return inRange(h, p.hostRange) && covers(e, word(p.base) &+ (h &- word(p.hpa)))
            })
        }
    }

    /// Where in the effect's destination host-physical `h` lies (meaningful when `writes(effect, h)`).
    private func offset(of h: Term, in effect: HandlerEncoding.EncodedEffect) -> Term? {
        switch effect.kind {
        case .copy(_, let to, _), .write(let to, _), .leak(_, _, let to):
            switch to {
            case .result: return nil
            case .host(let e): return h &- e
            case .guest(let e):
                if inSMM { return h &- e }
                // The guest-physical address of `h` through the caller's paths (the first that maps it).
                let g = callerPaths.reversed().reduce(word(0)) { rest, p in
                    inRange(h, p.hostRange)
                        .ite(then: word(p.base) &+ (h &- word(p.hpa)), else: rest)
                }
                return g &- e
            }
        default:
            return nil
        }
    }

    /// The byte the effect leaves at position `i` of its destination surely is not what `want` asks
    /// for: a `write` leaves the attacker's pattern; a copy leaves its source's byte, which is the
    /// attacker's only where the attacker can write or owns, and a region's only inside it.
    private func spoils(_ effect: HandlerEncoding.EncodedEffect, at i: Term, _ want: Want) -> Term {
        let source: Term
        switch effect.kind {
        case .write:
            if case .attackers = want { return context.bool(false) }
            return context.bool(true)
        case .copy(let from, _, _):
            switch from {
            case .result: return context.bool(false)
            case .host(let e): source = e &+ i
            case .guest(let e):
                if inSMM { source = e &+ i; break }
                let g = e &+ i
                source = callerPaths.reversed().reduce(word(UInt64.max)) { rest, p in
                    inRange(g, p.guestRange).ite(then: word(p.hpa) &+ (g &- word(p.base)), else: rest)
                }
            }
        case .leak(let name, _, _):
            source = word(world.platform.region(named: name)?.base ?? 0) &+ i
        case .returnValue:
            if case .attackers = want { return context.bool(false) }
            return context.bool(true)
        default:
            return context.bool(false)
        }
        switch want {
        case .attackers:
            var mine = world.reachable(.write)
            for r in (owner.data?.owned ?? IntervalSet()).intervals { mine.insert(r) }
            return !inSet(source, mine)
        case .region(let r):
            return !inRange(source, r)
        }
    }

    /// The effect (run in full) writes byte `index` of `result`.
    private func writesResult(_ effect: HandlerEncoding.EncodedEffect, _ index: Term) -> Term {
        switch effect.kind {
        case .copy(_, .result, let length), .write(.result, let length), .leak(_, let length, .result): index.ult(length)
        case .returnValue: context.bool(true)
        default: context.bool(false)
        }
    }

    /// The effect changes the caller's own translation (its EPT or what it maps).
    private func changesCallerTranslation(_ effect: HandlerEncoding.EncodedEffect) -> Bool {
        switch effect.kind {
        case .map(let p, _, _, _, _), .unmap(let p, _, _): return (p ?? caller) == caller
        case .give(let name, let to, _, _): return to == caller || world.platform.region(named: name)?.owner == caller
        case .setProtection(let target, _, _, _): return target == caller
        default: return false
        }
    }
}

extension HandlerEncoding.EncodedEffect {
    /// A `write`: its bytes are the attacker's pattern wherever they land.
    var isAttackersWrite: Bool {
        if case .write = kind { true } else { false }
    }
}

/// The machine's bounds the checker shares (docs/machine.md, "Handlers").
enum PlatformLimits {
    /// Addresses at or above 2^52 stop a handler's effect (MAXPHYADDR).
    static let physical: UInt64 = 1 << 52
    /// The largest range one `map` or `give` materialises (Moat's bound, `mapLimit`).
    static let map: UInt64 = 1 << 32
}
