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
        /// Whether a source in the attacker's own memory needs no staging (its bytes are the attacker's).
        private var ownedSourceCounts = true
        /// The copied byte comes from the attacker's own memory (no staging step needed).
        private var fromOwned: Term?
        /// For a query that plants code: where the planted byte lands, and who then fetches it.
        private var planted: (address: Term, victim: Principal, ranges: [TargetRange])?

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
            self.inSMM = inSMM
        }

        /// SMM's handlers run without EPT: their `guest` operands are physical (docs/machine.md, "Handlers").
        private let inSMM: Bool
        private var physicalOperands: Bool { inSMM || world.platform.vtl(of: callerPrincipal) == nil }

        /// Excludes SMRAM from an address the handler touches, when it may not touch it.
        private func allowed(_ h: Term) -> Term {
            guard let forbidden else { return context.bool(true) }
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
            context.or(set.intervals.map { inRange(t, $0) })
        }

        /// `h` is where guest-physical `g` lands through one of the caller's paths that grants `right`
        /// (any present mapping when `right` is empty).
        private func translates(_ g: Term, to h: Term, right: Permissions) -> Term {
            context.or(callerPaths.filter { right.isEmpty || !$0.rights.isDisjoint(with: right) }.map { p in
                inRange(g, p.base..<(p.base &+ p.size)) && (h .== bv(p.hpa) &+ (g &- bv(p.base)))
            })
        }

        /// The host-physical address of byte `off` of an operand, with the constraint that it exists.
        private mutating func address(_ place: HandlerEncoding.Place, _ off: Term, right: Permissions) -> (Term, Term)? {
            switch place {
            case .host(let e):
                return (e &+ off, allowed(e &+ off))
            case .guest(let e):
                if physicalOperands { return (e &+ off, allowed(e &+ off)) }
                let h = variable("h")
                return (h, translates(e &+ off, to: h, right: right) && allowed(h))
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
        /// of 1 byte named by `HandlerMoves.entry`), the effect covers it: the context starts at it.
        mutating func lands(_ to: HandlerEncoding.Place, length: Term, in region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (h, exists) = address(to, off, right: []) else { return nil }
            if region.name.hasPrefix(HandlerMoves.entry("")) {
                preferred = [off .== bv(0)]
                return bound && exists && (h .== bv(region.base)) && (off &+ bv(region.size)).ule(length)
            }
            let eight = bv(min(8, region.size))
            preferred = [
                (off .== bv(0)) && (h .== bv(region.base)) && length.uge(eight),
                (off &+ eight).ule(length) && (h &+ eight).ule(bv(region.end)),
            ]
            return bound && exists && inRange(h, region.base..<region.end)
        }

        /// Some byte copied from `region` ends where the attacker reads it.
        mutating func leaks(_ from: HandlerEncoding.Place, to: HandlerEncoding.Place, length: Term, from region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (src, srcExists) = address(from, off, right: []) else { return nil }
            var c = bound && srcExists && inRange(src, region.base..<region.end)
            if case .result = to { return c }
            guard let (dst, dstExists) = address(to, off, right: .read) else { return nil }
            c = c && dstExists
            if case .host = to { c = c && inSet(dst, world.reachable(.read)) }
            return c
        }

        /// Some byte the attacker controls is copied into `region`.
        mutating func smuggles(_ from: HandlerEncoding.Place, to: HandlerEncoding.Place, length: Term, into region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (dst, dstExists) = address(to, off, right: []) else { return nil }
            guard let src = attackersByte(from, off, ownedCounts: true) else { return nil }
            let eight = bv(8)
            let clear = (off &+ eight).ule(length) && (dst &+ eight).ule(bv(region.end))
            // The effect's first byte when it can: no earlier byte can stop the handler before it.
            let first = off .== bv(0)
            preferred = fromOwned.map { [$0 && first && clear, $0 && first, $0 && clear, $0] } ?? []
            preferred.append(clear)
            return bound && dstExists && src && inRange(dst, region.base..<region.end)
        }

        /// Some byte of the attacker's (all of a `write`'s, or a copy's from `from`) lands where
        /// `victim` fetches (`ranges`); `execution` names the fetch that runs it.
        mutating func plants(_ from: HandlerEncoding.Place?, to: HandlerEncoding.Place, length: Term, victim: Principal, ranges: [TargetRange],
                              ownedCounts: Bool) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (dst, dstExists) = address(to, off, right: []) else { return nil }
            var c = bound && dstExists && inSet(dst, IntervalSet(ranges.map { $0.base..<($0.base + $0.size) }))
            if let from {
                guard let src = attackersByte(from, off, ownedCounts: ownedCounts) else { return nil }
                c = c && src
                preferred = fromOwned.map { [$0 && (off .== bv(0)), $0] } ?? []
            }
            planted = (dst, victim, ranges)
            return c
        }

        /// Byte `off` of a copy's source holds the attacker's data when the handler reads it: it
        /// lies in memory the attacker owns (`ownedCounts`; the hypervisor reads it through any
        /// present translation), or where the attacker writes it first (`staging`).
        private mutating func attackersByte(_ from: HandlerEncoding.Place, _ off: Term, ownedCounts: Bool) -> Term? {
            let owned = ownedCounts ? owner.data?.owned ?? IntervalSet() : IntervalSet()
            ownedSourceCounts = ownedCounts
            func physical(_ src: Term) -> Term {
                stagedSource = src
                fromOwned = owned.isEmpty ? nil : inSet(src, owned)
                return allowed(src) && (inSet(src, world.reachable(.write)) || inSet(src, owned))
            }
            switch from {
            case .result:
                return nil
            case .host(let e):
                return physical(e &+ off)
            case .guest(let e):
                // Without a VTL's translation (SMM), a guest operand is physical.
                guard !physicalOperands else { return physical(e &+ off) }
                let h = variable("h")
                stagedSource = h
                fromOwned = owned.isEmpty ? nil : translates(e &+ off, to: h, right: []) && inSet(h, owned)
                return allowed(h) && (translates(e &+ off, to: h, right: .write) || (fromOwned ?? context.bool(false)))
            }
        }

        /// The fetch by which the victim of a planting query runs the planted byte (none for other
        /// queries; nil when the model names no byte it fetches).
        func execution(_ model: Model) throws(SMTError) -> [Step]? {
            guard let planted else { return [] }
            guard let h = try model.uint64(planted.address) else { return nil }
            let holding = planted.ranges.filter { h >= $0.base && h - $0.base < $0.size }
            guard let range = holding.first(where: { $0.path?.rights.contains(.execute) ?? true }) ?? holding.first else { return nil }
            return [range.execution(by: planted.victim, at: h)]
        }

        /// A handler stops at the first guest page it cannot translate, so an effect runs only if
        /// every earlier effect that ran could reach its guest operands. We require the first and
        /// last byte of each (implied by the machine's rule, so this stays an over-approximation).
        mutating func earlierEffectsRan(_ earlier: ArraySlice<HandlerEncoding.EncodedEffect>) -> Term {
            guard !physicalOperands else { return context.bool(true) }
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
            context.or(callerPaths.map { inRange(g, $0.base..<($0.base &+ $0.size)) })
        }

        /// A write step that puts the attacker's bytes at the copy's source, unless the source already
        /// lies in memory the attacker owns (whose bytes are the attacker's by definition, AttackerData;
        /// not a taken-over context's, whose memory stays its own).
        func staging(_ model: Model) throws(SMTError) -> [Step] {
            guard let stagedSource, let h = try model.uint64(stagedSource) else { return [] }
            if ownedSourceCounts, owner.data?.owned.contains(h) == true { return [] }
            guard let (path, address, hpa) = world.find(.write, in: h..<h + 1) else { return [] }
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
                && inRange(hpa &+ off, region.base..<region.end)
        }

        /// A page-aligned guest-physical address with room for `size` bytes.
        func aligned(_ gpa: Term, size: UInt64) -> Term {
            ((gpa & bv(0xFFF)) .== bv(0)) && gpa.ule(bv((1 << 48) - min(size, 1 << 48)))
        }
    }
}
