import Platform

extension World {
    /// The part of a world that depends only on the facts that change paths (what the attacker
    /// controls, the mappings it added, the EPTs it switched to or turned off, lifted protections
    /// and SMRAM's state), built once and shared by every attack state with the same such facts.
    final class Core {
        /// A number for this core, unique within its cache (-1 outside a cache).
        let id: Int
        let pathsByContext: [Principal: [AccessPath]]
        let paths: [AccessPath]
        let smram: Region?
        let readable: IntervalSet
        let writable: IntervalSet
        /// Paths handed over without scrubbing (their old owner's bytes are still there).
        let stalePaths: [AccessPath]
        let index: PathIndex
        private var hostSets: [Principal: IntervalSet] = [:]
        private var takeovers: [Principal: Bool] = [:]
        private var groups: [Principal: [(prefix: [Step], paths: [AccessPath])]] = [:]

        /// The state with only the facts that paths depend on.
        static func key(of state: AttackState) -> AttackState {
            var key = AttackState()
            key.controls = state.controls
            key.extra = state.extra
            key.switched = state.switched
            key.eptOff = state.eptOff
            key.unprotected = state.unprotected
            key.smramOpen = state.smramOpen
            key.smramCached = state.smramCached
            return key
        }

        init(platform: Platform, state: AttackState, capabilities: Capabilities, id: Int) {
            self.id = id
            self.smram = platform.smm?.smram.flatMap { platform.region(named: $0) }
            var byContext: [Principal: [AccessPath]] = [:]
            var all: [AccessPath] = []
            let partial = World.Partial(platform: platform, state: state, capabilities: capabilities)
            for context in state.controls.sorted() {
                let p = partial.paths(of: context)
                byContext[context] = p
                if all.isEmpty { all = p } else { all += p }
            }
            self.pathsByContext = byContext
            self.paths = all
            var r: [Range<UInt64>] = []
            var w: [Range<UInt64>] = []
            let guards = World.Guards(platform: platform, state: state, smram: smram)
            for path in all where path.handoff != .scrubbed {
                r += guards.reach(path, .read).intervals
                w += guards.reach(path, .write).intervals
            }
            self.readable = IntervalSet(r)
            self.writable = IntervalSet(w)
            self.stalePaths = all.filter { if case .stale = $0.handoff { true } else { false } }
            self.index = PathIndex(all)
        }

        /// Every host-physical address the paths touch, with any right.
        private(set) lazy var hosts = IntervalSet(paths.map { $0.hpa..<($0.hpa &+ $0.size) })

        /// Every host-physical address one context's paths touch, with any right.
        func hostSet(of context: Principal) -> IntervalSet {
            if let hit = hostSets[context] { return hit }
            let set = IntervalSet((pathsByContext[context] ?? []).map { $0.hpa..<($0.hpa &+ $0.size) })
            hostSets[context] = set
            return set
        }

        /// The EPTs through which the hypervisor may translate a caller's guest addresses: its own
        /// first, then each one it can switch to with VMFUNC (whose step then comes first).
        func translationGroups(of caller: Principal, paths callerPaths: [AccessPath]) -> [(prefix: [Step], paths: [AccessPath])] {
            if let hit = groups[caller] { return hit }
            let own = callerPaths.filter { $0.prefix.isEmpty }
            var result: [(prefix: [Step], paths: [AccessPath])] = [([], own)]
            for prefix in Array(Set(callerPaths.map(\.prefix).filter { !$0.isEmpty })).sorted(by: { "\($0)" < "\($1)" }) {
                result.append((prefix, own + callerPaths.filter { $0.prefix == prefix }))
            }
            groups[caller] = result
            return result
        }

        /// Whether the attacker writes some byte that `principal` executes.
        func writesExecutable(of principal: Principal, _ capabilities: Capabilities) -> Bool {
            if let hit = takeovers[principal] { return hit }
            let answer = writable.lowest(in: capabilities.executableSet(of: principal)) != nil
            takeovers[principal] = answer
            return answer
        }
    }

    /// Paths sorted by host-physical start, to find those that overlap a range without a scan.
    struct PathIndex {
        /// Indices of paths of at most 4 GiB, by host start; the running maximum of their ends.
        private let sorted: [Int]
        private let starts: [UInt64]
        private let maxEnd: [UInt64]
        /// Indices of larger paths (all of memory, say), always candidates.
        private let wide: [Int]

        init(_ paths: [AccessPath]) {
            let limit: UInt64 = 1 << 32
            sorted = paths.indices.filter { paths[$0].size <= limit }.sorted { paths[$0].hpa < paths[$1].hpa }
            starts = sorted.map { paths[$0].hpa }
            var running: UInt64 = 0
            maxEnd = sorted.map { i in
                running = max(running, paths[i].hpa &+ paths[i].size)
                return running
            }
            wide = paths.indices.filter { paths[$0].size > limit }
        }

        /// The indices (ascending) of every path whose host range may overlap `r`.
        func candidates(overlapping r: Range<UInt64>) -> [Int] {
            var low = 0, high = starts.count
            while low < high {
                let mid = (low + high) / 2
                if starts[mid] < r.upperBound { low = mid + 1 } else { high = mid }
            }
            var result = wide
            var i = low - 1
            while i >= 0, maxEnd[i] > r.lowerBound {
                result.append(sorted[i])
                i -= 1
            }
            return result.sorted()
        }
    }
}
