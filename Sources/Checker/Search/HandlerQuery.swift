import Platform
import SMT

extension HandlerMoves {
    /// Builds the effect-specific constraints of one handler query.
    struct Query {
        let owner: HandlerMoves
        let world: World
        let callerPaths: [AccessPath]
        let encoding: HandlerEncoding
        /// SMRAM, when this handler's accesses may not touch it: the hypervisor runs outside SMM, so
        /// SMRR and a closed SMRAM stop its accesses as they stop a guest's (DOMAIN.md §5.1–5.2).
        let forbidden: Range<UInt64>?
        private var fresh = 0
        /// Stronger constraints giving clearer witnesses, tried in order once the query is sat.
        var preferred: [Term] = []
        /// A source address whose bytes the attacker must put there before the handler copies them.
        var stagedSource: Term?
        /// Whether the query is sliced (a caller with many paths; see `HandlerMoves+Slicing`).
        let sliced: Bool
        /// Drop every caller- and state-specific constraint (the over-approximation asked once per effect).
        var callerFree = false
        /// Build only enough to find out whether the query is `impossible` (no big disjunctions).
        var probing = false
        /// Ask for any of these host addresses instead of the target region (one query for every target).
        var batch: IntervalSet?
        /// In a batch: which effect constraint used it, and whether the target region lies inside it.
        private(set) var batchKind: String?
        private(set) var batchCovers = true

        /// `t` lies in `region` — or, in a batch, in any of the batch's addresses.
        private mutating func inTarget(_ t: Term, _ region: Region, _ kind: String) -> Term {
            guard let batch else { return inRange(t, region.base..<region.end) }
            batchKind = kind
            batchCovers = batchCovers && batch.covers(region.base..<region.end)
            return context.or(batch.intervals.map { inRange(t, $0) })
        }
        /// A translation the constraint needs has no path: the query is unsat as built.
        private(set) var impossible = false

        init(owner: HandlerMoves, world: World, callerPaths: [AccessPath], encoding: HandlerEncoding, inSMM: Bool) {
            self.owner = owner
            self.world = world
            self.callerPaths = callerPaths
            self.encoding = encoding
            var forbidden: Range<UInt64>?
            if !inSMM, let smm = world.platform.smm, let smram = world.smram {
                let cpu = AccessPath(medium: .physical(.hypervisor), base: 0, size: 1, hpa: 0, rights: [.read, .write], fact: "", location: .synthetic)
                if !world.smramAllows(cpu, [.read, .write], smm) { forbidden = smram.base..<smram.end }
            }
            self.forbidden = forbidden
            self.sliced = Atoms.slices(callerPaths.count, owner.options)
        }

        /// Excludes SMRAM from an address the handler touches, when it may not touch it.
        private func allowed(_ h: Term) -> Term {
            guard let forbidden, !callerFree else { return context.bool(true) }
            return !inRange(h, forbidden)
        }

        var context: Context { owner.context }
        private func bv(_ v: UInt64) -> Term { context.bv(v, width: 64) }

        private mutating func variable(_ name: String) -> Term {
            fresh += 1
            return context.bvConst("q\(owner.queries)_\(fresh)_\(name)", width: 64)
        }

        func inRange(_ t: Term, _ r: Range<UInt64>) -> Term {
            t.uge(bv(r.lowerBound)) && t.ult(bv(r.upperBound))
        }

        func inSet(_ t: Term, _ set: IntervalSet) -> Term {
            if callerFree || probing { return context.bool(true) }
            if impossible { return context.bool(false) }
            return context.or(set.intervals.map { inRange(t, $0) })
        }

        /// `h` is where guest-physical `g` lands through one of the caller's paths that grants `right`
        /// (any present mapping when `right` is empty).
        /// When sliced and `h` must lie in `within`, only paths whose host range meets it are encoded.
        private mutating func translates(_ g: Term, to h: Term, right: Permissions, within: Range<UInt64>? = nil) -> Term {
            if callerFree { return context.bool(true) }
            if impossible { return context.bool(false) }
            var paths = callerPaths
            if sliced, let within {
                guard world.core.hostSet(of: callerPrincipal).lowest(in: within) != nil else {
                    impossible = true
                    return context.bool(false)
                }
                if probing { return context.bool(true) }
                paths = paths.filter { $0.hpa < within.upperBound && within.lowerBound < $0.hpa &+ $0.size }
            }
            if probing { return context.bool(true) }
            return context.or(paths.filter { right.isEmpty || !$0.rights.isDisjoint(with: right) }.map { p in
                inRange(g, p.base..<(p.base &+ p.size)) && (h .== bv(p.hpa) &+ (g &- bv(p.base)))
            })
        }

        /// The host-physical address of byte `off` of an operand, with the constraint that it exists.
        private mutating func address(_ place: HandlerEncoding.Place, _ off: Term, right: Permissions, within: Range<UInt64>? = nil) -> (Term, Term)? {
            switch place {
            case .host(let e):
                return (e &+ off, allowed(e &+ off))
            case .guest(let e):
                if callerFree { return (variable("h"), context.bool(true)) }
                if world.platform.vtl(of: callerPrincipal) == nil { return (e &+ off, allowed(e &+ off)) }
                let h = variable("h")
                return (h, translates(e &+ off, to: h, right: right, within: within) && allowed(h))
            case .result:
                return nil
            }
        }

        private var callerPrincipal: Principal { callerPaths.first?.actor ?? .smm }

        private mutating func offset(below length: Term) -> (Term, Term) {
            let off = variable("off")
            return (off, off.ult(length) && off.ult(bv(HandlerMoves.effectLimit)))
        }

        /// Some byte of the effect's destination lies in `region` — or, for an entry point (a region
        /// of 8 bytes named by `HandlerMoves.entry`), the effect covers all of it from its first byte.
        mutating func lands(_ to: HandlerEncoding.Place, length: Term, in region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (h, exists) = address(to, off, right: [], within: region.base..<region.end) else { return nil }
            if region.name.hasPrefix(HandlerMoves.entry("")), batch == nil {
                return bound && exists && (h .== bv(region.base)) && (off &+ bv(region.size)).ule(length)
            }
            let eight = bv(min(8, region.size))
            preferred = [
                (off .== bv(0)) && (h .== bv(region.base)) && length.uge(eight),
                (off &+ eight).ule(length) && (h &+ eight).ule(bv(region.end)),
            ]
            return bound && exists && inTarget(h, region, "lands")
        }

        /// Some byte copied from `region` ends where the attacker reads it.
        mutating func leaks(_ from: HandlerEncoding.Place, to: HandlerEncoding.Place, length: Term, from region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (src, srcExists) = address(from, off, right: [], within: region.base..<region.end) else { return nil }
            var c = bound && srcExists && inTarget(src, region, "leaks")
            if case .result = to { return c }
            guard let (dst, dstExists) = address(to, off, right: .read) else { return nil }
            c = c && dstExists
            if case .host = to { c = c && inSet(dst, world.reachable(.read)) }
            return c
        }

        /// Some byte the attacker controls is copied into `region`.
        mutating func smuggles(_ from: HandlerEncoding.Place, to: HandlerEncoding.Place, length: Term, into region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (dst, dstExists) = address(to, off, right: [], within: region.base..<region.end) else { return nil }
            guard let (src, srcExists) = address(from, off, right: .write) else { return nil }
            var c = bound && dstExists && srcExists && inTarget(dst, region, "smuggles")
            if case .host = from { c = c && inSet(src, world.reachable(.write)) }
            stagedSource = src
            let eight = bv(8)
            preferred = [(off &+ eight).ule(length) && (dst &+ eight).ule(bv(region.end))]
            return c
        }

        /// A handler stops at the first guest page it cannot translate, so an effect runs only if
        /// every earlier effect that ran could reach its guest operands. We require the first and
        /// last byte of each (implied by the machine's rule, so this stays an over-approximation).
        mutating func earlierEffectsRan(_ earlier: ArraySlice<HandlerEncoding.EncodedEffect>) -> Term {
            guard world.platform.vtl(of: callerPrincipal) != nil, !callerFree else { return context.bool(true) }
            var all: [Term] = []
            for effect in earlier {
                var places: [(HandlerEncoding.Place, Term)] = []
                switch effect.kind {
                case .copy(let from, let to, let length): places = [(from, length), (to, length)]
                case .write(let to, let length): places = [(to, length)]
                case .leak(_, let length, let to): places = [(to, length)]
                default: break
                }
                for (place, length) in places {
                    guard case .guest(let e) = place else { continue }
                    let last = e &+ (length &- bv(1))
                    let reachable = (length .== bv(0)) || (mapped(e) && (mapped(last) || length.ugt(bv(HandlerMoves.effectLimit))))
                    all.append(effect.condition.implies(reachable))
                }
            }
            return context.and(all)
        }

        /// `g` lies in some page of the caller's translation.
        private func mapped(_ g: Term) -> Term {
            // Sliced: the union of the caller's guest ranges, merged (the same set, fewer disjuncts).
            if probing { return context.bool(true) }
            if sliced { return inSet(g, IntervalSet(callerPaths.map { $0.base..<($0.base &+ $0.size) })) }
            return context.or(callerPaths.map { inRange(g, $0.base..<($0.base &+ $0.size)) })
        }

        /// A write step that puts the attacker's bytes at the copy's source, unless the source already
        /// lies in memory the attacker owns (whose bytes are the attacker's by definition).
        func staging(_ model: Model) throws(SMTError) -> [Step] {
            guard let stagedSource, let h = try model.uint64(stagedSource) else { return [] }
            let owners = world.state.controls
            if let region = world.platform.region(containing: h), let owner = region.owner, owners.contains(owner) { return [] }
            guard let (path, address, hpa) = world.find(.write, in: h..<h + 8) else { return [] }
            return world.accessStep(.write, path: path, address: address, hpa: hpa)
        }

        /// The destination is somewhere the attacker reads (a leak of `length` > 0 bytes).
        mutating func readable(_ to: HandlerEncoding.Place, length: Term) -> Term? {
            let nonEmpty = length.ugt(bv(0))
            if case .result = to { return nonEmpty }
            guard let (dst, exists) = address(to, bv(0), right: .read) else { return nil }
            var c = nonEmpty && exists
            if case .host = to { c = c && inSet(dst, world.reachable(.read)) }
            return c
        }

        /// A page-granular mapping whose host range overlaps `region`.
        mutating func maps(gpa: Term, size: Term, hpa: Term, onto region: Region) -> Term? {
            let (off, bound) = offset(below: size)
            let page = bv(0xFFF)
            return bound && ((gpa & page) .== bv(0)) && ((hpa & page) .== bv(0)) && ((size & page) .== bv(0))
                // With these bounds the sums cannot wrap. A 4-level EPT translates 48-bit guest-physical
                // addresses (DOMAIN.md §1.1: walk length 4); host addresses stay below MAXPHYADDR.
                && size.ule(bv(1 << 30)) && gpa.ule(bv(1 << 48)) && hpa.ule(bv(1 << 52))
                && (gpa &+ size).ule(bv(1 << 48)) && (hpa &+ size).ule(bv(1 << UInt64(world.platform.cpu.maxPhysAddr)))
                && inTarget(hpa &+ off, region, "maps")
        }

        /// A page-aligned guest-physical address with room for `size` bytes.
        func aligned(_ gpa: Term, size: UInt64) -> Term {
            ((gpa & bv(0xFFF)) .== bv(0)) && gpa.ule(bv((1 << 48) - min(size, 1 << 48)))
        }
    }
}
