import Platform
import SMT

extension HandlerMoves {
    /// Builds the effect-specific constraints of one handler query.
    struct Query {
        let owner: HandlerMoves
        let world: World
        let callerPaths: [AccessPath]
        let encoding: HandlerEncoding
        /// Who set the handler off, and whether SMM runs it (then `guest` operands are physical).
        let caller: Principal
        let inSMM: Bool
        /// SMRAM, when this handler may not read it, and when it may not write it: the hypervisor
        /// runs outside SMM, so SMRR and a closed SMRAM stop its accesses as they stop a guest's
        /// (DOMAIN.md §5.1–5.2); a write-back memory type lets writes in, never reads (§7 row 16).
        let forbiddenRead: Range<UInt64>?
        let forbiddenWrite: Range<UInt64>?
        private var fresh = 0
        /// Stronger constraints giving clearer witnesses, tried in order once the query is sat.
        var preferred: [Term] = []
        /// A source address whose bytes the attacker must put there before the handler copies them.
        var stagedSource: Term?
        /// Whether a source in the attacker's own memory needs no staging (its bytes are the attacker's).
        private(set) var ownedSourceCounts = true
        /// The byte of the effect the move rests on, and its operands: every byte before it must move.
        var moved: (from: HandlerEncoding.Place?, to: HandlerEncoding.Place?, off: Term)?
        /// Bytes the move rests on that other effects of the handler must leave alone.
        var keeps: [Keep] = []
        /// For bytes left at a host address: the caller observes them at once (it reads the first
        /// byte the effect writes); otherwise the attacker reads `laterRead` in a step after the call.
        var observedAtOnce: Term?
        var laterRead: Term?
        /// Whether the query is sliced (a caller with many paths; see `HandlerMoves+Slicing`).
        let sliced: Bool
        /// Drop every caller- and state-specific constraint (the over-approximation asked once per effect).
        var callerFree = false
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
        /// For a query that plants code: where the planted byte lands, and who then fetches it.
        private var planted: (address: Term, victim: Principal, ranges: [TargetRange])?

        /// A byte the move rests on, and what it must hold.
        enum Keep {
            /// Host-physical memory the effect reads or runs: no earlier effect may overwrite it.
            case earlier(Term, Want)
            /// Host-physical memory the effect leaves for the attacker: no later effect may overwrite it.
            case later(Term, Want)
            /// Byte `index` of `result`: no later effect may overwrite it before the handler returns.
            case laterResult(Term, Want)
        }

        /// What a byte the move rests on must hold: the attacker's, or a byte of a target region.
        enum Want {
            case attackers
            case region(Range<UInt64>)
        }

        init(owner: HandlerMoves, world: World, callerPaths: [AccessPath], encoding: HandlerEncoding, caller: Principal, inSMM: Bool) {
            self.owner = owner
            self.world = world
            self.callerPaths = callerPaths
            self.encoding = encoding
            self.caller = caller
            self.inSMM = inSMM
            var forbiddenRead: Range<UInt64>?
            var forbiddenWrite: Range<UInt64>?
            if !inSMM, let smm = world.platform.smm, let smram = world.smram {
                let cpu = AccessPath(medium: .physical(.hypervisor), base: 0, size: 1, hpa: 0, rights: [.read, .write], fact: "", location: .synthetic)
                if !world.smramAllows(cpu, .read, smm) { forbiddenRead = smram.base..<smram.end }
                if !world.smramAllows(cpu, .write, smm) { forbiddenWrite = smram.base..<smram.end }
            }
            self.forbiddenRead = forbiddenRead
            self.forbiddenWrite = forbiddenWrite
            self.sliced = Atoms.slices(callerPaths.count, owner.options)
        }

        /// Excludes SMRAM from an address the handler reads (`access` .read) or writes, when it
        /// may not; the machine reads all-ones there and drops writes.
        private func allowed(_ h: Term, _ access: Permissions) -> Term {
            guard let forbidden = access.contains(.read) ? forbiddenRead : forbiddenWrite, !callerFree else { return context.bool(true) }
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

        /// `t` lies where a planting query's victim fetches. The victim's executable ranges come from
        /// the configuration, not from the caller, so the caller-free query keeps them (a batch asks
        /// for the fetched ranges of every victim at once).
        private mutating func inFetched(_ t: Term, _ set: IntervalSet) -> Term {
            if impossible { return context.bool(false) }
            if let batch {
                batchKind = "plants"
                batchCovers = batchCovers && set.intervals.allSatisfy { batch.covers($0) }
                return context.or(batch.intervals.map { inRange(t, $0) })
            }
            return context.or(set.intervals.map { inRange(t, $0) })
        }

        func inSet(_ t: Term, _ set: IntervalSet) -> Term {
            if callerFree { return context.bool(true) }
            if impossible { return context.bool(false) }
            return context.or(set.intervals.map { inRange(t, $0) })
        }

        /// `h` is where guest-physical `g` lands through one of the caller's paths that grants `right`
        /// (any present mapping when `right` is empty).
        /// When sliced and `h` must lie in `within`, only paths whose host range meets it are encoded.
        private mutating func translates(_ g: Term, to h: Term, right: Permissions, within: IntervalSet? = nil) -> Term {
            if callerFree { return context.bool(true) }
            if impossible { return context.bool(false) }
            var paths = callerPaths
            if sliced, let within {
                guard world.core.hostSet(of: caller).lowest(in: within) != nil else {
                    impossible = true
                    return context.bool(false)
                }
                paths = paths.filter { within.lowest(in: $0.hostRange) != nil }
            }
            return context.or(paths.filter { right.isEmpty || !$0.rights.isDisjoint(with: right) }.map { p in
                inRange(g, p.guestRange) && (h .== bv(p.hpa) &+ (g &- bv(p.base)))
            })
        }

        /// The host-physical address of byte `off` of an operand, with the constraint that it exists
        /// and that the handler may `access` it there (.read for a source, .write for a destination).
        private mutating func address(_ place: HandlerEncoding.Place, _ off: Term, right: Permissions, access: Permissions,
                                      within: Range<UInt64>) -> (Term, Term)? {
            address(place, off, right: right, access: access, within: IntervalSet([within]))
        }

        private mutating func address(_ place: HandlerEncoding.Place, _ off: Term, right: Permissions, access: Permissions,
                                      within: IntervalSet? = nil) -> (Term, Term)? {
            switch place {
            case .host(let e):
                return (e &+ off, allowed(e &+ off, access))
            case .guest(let e):
                // Only SMM takes `guest` operands as physical; the hypervisor walks the caller's EPT,
                // whatever (if anything) it maps.
                if inSMM { return (e &+ off, allowed(e &+ off, access)) }
                if callerFree { return (variable("h"), context.bool(true)) }
                let h = variable("h")
                return (h, translates(e &+ off, to: h, right: right, within: within) && allowed(h, access))
            case .result:
                return nil
            }
        }

        private mutating func offset(below length: Term) -> (Term, Term) {
            let off = variable("off")
            return (off, off.ult(length) && off.ult(bv(HandlerMoves.effectLimit)))
        }

        /// Some byte of the effect's destination lies in `region` — or, for an entry point (a region
        /// of 1 byte named by `HandlerMoves.entry`), the effect covers it: the context starts at it.
        mutating func lands(_ to: HandlerEncoding.Place, length: Term, in region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (h, exists) = address(to, off, right: [], access: .write, within: region.base..<region.end) else { return nil }
            moved = (nil, to, off)
            keeps = [.later(h, .attackers)]
            if region.name.hasPrefix(HandlerMoves.entry("")), batch == nil {
                preferred = [off .== bv(0)]
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
            guard let (src, srcExists) = address(from, off, right: [], access: .read, within: region.base..<region.end) else { return nil }
            var c = bound && srcExists && inTarget(src, region, "leaks")
            moved = (from, to, off)
            let secret = Want.region(region.base..<region.end)
            keeps = [.earlier(src, secret)]
            // Only the 8 bytes of the register reach the caller, as they are when the handler returns.
            if case .result = to {
                keeps.append(.laterResult(off, secret))
                return c && off.ult(bv(8))
            }
            guard let (dst, dstExists) = address(to, off, right: .read, access: .write) else { return nil }
            c = c && dstExists
            if let e = physical(to) {
                c = c && inSet(dst, world.reachable(.read))
                keeps.append(.later(dst, secret))
                observedAtOnce = callerReads(e)
                laterRead = dst
            }
            return c
        }

        /// Some byte the attacker controls is copied into `region`.
        mutating func smuggles(_ from: HandlerEncoding.Place, to: HandlerEncoding.Place, length: Term, into region: Region) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (dst, dstExists) = address(to, off, right: [], access: .write, within: region.base..<region.end) else { return nil }
            guard let (src, srcHolds) = attackersByte(from, off, ownedCounts: true) else { return nil }
            moved = (from, to, off)
            keeps = [.earlier(src, .attackers), .later(dst, .attackers)]
            let eight = bv(8)
            let clear = (off &+ eight).ule(length) && (dst &+ eight).ule(bv(region.end))
            // The effect's first byte when it can (the clearest witness; HandlerSequence makes every
            // byte before the one that matters move anyway). Own-memory sources are preferred first (`unstaged`).
            let first = off .== bv(0)
            preferred = [first && clear, first, clear]
            return bound && dstExists && srcHolds && inTarget(dst, region, "smuggles")
        }

        /// Some byte of the attacker's (all of a `write`'s, or a copy's from `from`) lands where
        /// `victim` fetches (`ranges`); `execution` names the fetch that runs it. No later effect
        /// may overwrite the planted byte, nor an earlier one the source byte it copies.
        mutating func plants(_ from: HandlerEncoding.Place?, to: HandlerEncoding.Place, length: Term, victim: Principal, ranges: [TargetRange],
                              set fetched: IntervalSet, ownedCounts: Bool) -> Term? {
            let (off, bound) = offset(below: length)
            guard let (dst, dstExists) = address(to, off, right: [], access: .write, within: fetched) else { return nil }
            var c = bound && dstExists && inFetched(dst, fetched)
            moved = (from, to, off)
            keeps = [.later(dst, .attackers)]
            if let from {
                guard let (src, srcHolds) = attackersByte(from, off, ownedCounts: ownedCounts) else { return nil }
                c = c && srcHolds
                keeps.append(.earlier(src, .attackers))
            }
            preferred = [off .== bv(0)]
            planted = (dst, victim, ranges)
            return c
        }

        /// The host-physical address of byte `off` of a copy's source, and that it holds the
        /// attacker's data when the handler reads it: it lies in memory the attacker's side owns
        /// (`ownedCounts`; the hypervisor reads it through any present translation), or where the
        /// attacker can write it first (`staging`): a writable translation of the caller's, or for
        /// a physical source (`host`, or `guest` in SMM) memory the attacker writes.
        private mutating func attackersByte(_ from: HandlerEncoding.Place, _ off: Term, ownedCounts: Bool) -> (Term, Term)? {
            let owned = ownedCounts ? owner.data?.owned ?? IntervalSet() : IntervalSet()
            ownedSourceCounts = ownedCounts
            guard let (src, exists) = address(from, off, right: [], access: .read) else { return nil }
            stagedSource = src
            let writable: Term
            if physical(from) != nil {
                writable = inSet(src, world.reachable(.write))
            } else if case .guest(let e) = from {
                writable = translates(e &+ off, to: src, right: .write)
            } else {
                return nil
            }
            return (src, exists && (writable || inSet(src, owned)))
        }

        /// Whether this query plants code, which its victim runs in a step after the call.
        var plantsCode: Bool { planted != nil }

        /// The fetch by which the victim of a planting query runs the planted byte (none for other
        /// queries; nil when the model names no byte it fetches).
        func execution(_ model: Model) throws(SMTError) -> [Step]? {
            guard let planted else { return [] }
            guard let h = try model.uint64(planted.address) else { return nil }
            let holding = planted.ranges.filter { h >= $0.base && h - $0.base < $0.size }
            guard let range = holding.first(where: { $0.path?.rights.contains(.execute) ?? true }) ?? holding.first else { return nil }
            return [range.execution(by: planted.victim, at: h)]
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
        mutating func readable(_ to: HandlerEncoding.Place, length: Term, of secret: Range<UInt64>) -> Term? {
            let nonEmpty = length.ugt(bv(0))
            moved = (nil, to, bv(0))
            if case .result = to {
                keeps = [.laterResult(bv(0), .region(secret))]
                return nonEmpty
            }
            guard let (dst, exists) = address(to, bv(0), right: .read, access: .write) else { return nil }
            var c = nonEmpty && exists
            if let e = physical(to) {
                c = c && inSet(dst, world.reachable(.read))
                keeps = [.later(dst, .region(secret))]
                observedAtOnce = callerReads(e)
                laterRead = dst
            }
            return c
        }

        /// The operand's base when it is a host-physical address (`host`, or `guest` in SMM).
        private func physical(_ place: HandlerEncoding.Place) -> Term? {
            switch place {
            case .host(let e): e
            case .guest(let e): inSMM ? e : nil
            case .result: nil
            }
        }

        /// The caller's own translation reads host-physical `h` (the machine's `callerCanRead`).
        private func callerReads(_ h: Term) -> Term {
            if caller == .hypervisor || caller == .smm || callerFree { return context.bool(true) }
            var reads = IntervalSet()
            for p in callerPaths where p.rights.contains(.read) && p.prefix.isEmpty && p.actor == caller {
                reads.insert(p.hostRange)
            }
            return context.or(reads.intervals.map { inRange(h, $0) })
        }

        /// A read step after the call, when the caller did not observe the bytes at once.
        func observation(_ model: Model) throws(SMTError) -> [Step] {
            guard let laterRead, let observedAtOnce, try model.bool(observedAtOnce) != true, let h = try model.uint64(laterRead),
                  let (path, address, hpa) = world.find(.read, in: h..<h + 1) else { return [] }
            return world.accessStep(.read, path: path, address: address, hpa: hpa)
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
