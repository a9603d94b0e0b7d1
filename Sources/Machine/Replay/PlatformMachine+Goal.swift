import Platform

/// Whether the machine's state reaches a property's goal, judged from the provenance of
/// bytes (``ByteOrigins``):
/// - a byte is **the attacker's** when a step wrote it (every step is the attacker's doing,
///   handler `write` effects included), or when it holds the initial contents of a region
///   owned by the attacker or by a device assigned to it (its own memory is its data by
///   definition), wherever a copy carried it;
/// - the attacker **controls** itself, its devices, and every context that executed a
///   byte of the attacker's (from then on);
/// - `read T`: a context the attacker controls obtained a byte of a region of T (reads,
///   DMA reads, handler results and deposits);
/// - `write T`: a region of T (not given away) holds a byte of the attacker's;
/// - `exec T`: T (one of T's VTLs) executed at an address whose first byte is the attacker's (for a context the attacker starts with, only bytes a
///   step wrote, fetched from a supervisor-mode address: code integrity, HVCI);
/// - `dos`: the platform shut down.
extension PlatformMachine {
    /// The contexts that act for an attacker: its own side from the start, and the
    /// contexts it took over, each from the moment it executed the attacker's bytes.
    public struct Control: Hashable, Sendable {
        /// The attacker and the devices assigned to it.
        public var side: Set<Principal>
        /// Taken-over contexts and the ``Execution/sequence`` at which each was taken.
        public var takenOver: [Principal: Int]

        /// Whether `principal` acted for the attacker at `sequence`.
        public func controls(_ principal: Principal, at sequence: Int) -> Bool {
            side.contains(principal) || (takenOver[principal].map { $0 <= sequence } ?? false)
        }

        /// Every context the attacker controls at the end.
        public var all: Set<Principal> { side.union(takenOver.keys) }
    }

    /// The attacker and the devices that act for it.
    public func side(of attacker: Principal) -> Set<Principal> {
        Set([attacker] + platform.devices.filter { $0.assignedTo == attacker }.map { .device($0.name) })
    }

    /// Whether a byte of this origin is the attacker's, for an attacker whose side is `side`.
    public func isAttackers(_ origin: ByteOrigin, side: Set<Principal>) -> Bool {
        if origin == .attacker { return true }
        guard let i = origin.regionIndex, let owner = platform.regions[i].owner else { return false }
        return side.contains(owner)
    }

    /// Who acts for `attacker`, from the executions so far.
    public func control(of attacker: Principal) -> Control {
        let side = side(of: attacker)
        var control = Control(side: side, takenOver: [:])
        for execution in executions where !side.contains(execution.context) && control.takenOver[execution.context] == nil {
            if isAttackers(execution.origin, side: side) { control.takenOver[execution.context] = execution.sequence }
        }
        return control
    }

    /// The verdict on `property` after the steps; a miss is refuted at `lastStep`.
    public func judge(_ property: Property, lastStep: Int) -> Validation {
        let attacker = property.attacker
        switch property.goal {
        case .dos:
            guard let shutdown else { return .refuted(step: lastStep, reason: "the goal was not reached: the platform did not shut down") }
            return .confirmed(evidence: ["the platform shut down at step \(shutdown.step + 1): \(shutdown.reason)"])
        case .read(let target):
            return judgeRead(target, attacker: attacker, lastStep: lastStep)
        case .write(let target):
            return judgeWrite(target, attacker: attacker, lastStep: lastStep)
        case .exec(let target):
            return judgeExec(target, attacker: attacker, lastStep: lastStep)
        }
    }

    /// Whether `property`'s goal is reached now (``judge(_:lastStep:)`` without the evidence's cost when it is not).
    public func reaches(_ property: Property) -> Bool {
        if case .confirmed = judge(property, lastStep: 0) { return true }
        return false
    }

    private func regionIndices(_ target: Target) -> Set<Int> {
        let names = Set(platform.regions(of: target).map(\.name))
        return Set(platform.regions.indices.filter { names.contains(platform.regions[$0].name) })
    }

    private func judgeRead(_ target: Target, attacker: Principal, lastStep: Int) -> Validation {
        let wanted = regionIndices(target)
        let control = control(of: attacker)
        var evidence: [String] = []
        var seen = 0
        for observation in observations where control.controls(observation.observer, at: observation.sequence) {
            seen += 1
            guard evidence.count < 3, !wanted.isDisjoint(with: observation.regionIndices) else { continue }
            var counts: [Int: (count: Int, first: Int)] = [:]
            for (k, origin) in observation.origins.enumerated() {
                guard let i = origin.regionIndex, wanted.contains(i) else { continue }
                counts[i, default: (0, k)].count += 1
            }
            for (i, found) in counts.sorted(by: { $0.value.first < $1.value.first }) {
                let at = observation.source.map { " at \(hex($0 &+ UInt64(found.first)))" } ?? ""
                let bytes = found.count == 1 ? "1 byte" : "\(found.count) bytes"
                evidence.append("\(bytes) of \(platform.regions[i].name)\(at) appeared in what \(name(observation.observer)) obtained by \(observation.how) at step \(observation.step + 1)")
            }
        }
        if !evidence.isEmpty { return .confirmed(evidence: Array(evidence.prefix(3))) }
        let who = control.all.count > 1 ? "\(name(attacker)) or a context it controls" : name(attacker)
        return .refuted(step: lastStep, reason: "the goal was not reached: no byte of \(list(target)) appeared in what \(who) observed (\(seen) observation\(seen == 1 ? "" : "s"))")
    }

    private func judgeWrite(_ target: Target, attacker: Principal, lastStep: Int) -> Validation {
        let side = side(of: attacker)
        var evidence: [String] = []
        for region in platform.regions(of: target) where !givenAway.contains(region.name) {
            guard let (address, origin) = origins.first(in: region.base..<region.end, where: { isAttackers($0, side: side) }) else { continue }
            var end = address + 1
            while end < region.end && end - address < 1 << 20 && origins.origin(at: end) == origin { end += 1 }
            let count = "\(end - address) byte\(end - address == 1 ? "" : "s")"
            let what = origin == .attacker ? "\(count) \(name(attacker)) wrote" : "\(count) of \(whose(origin, attacker))"
            evidence.append("\(what) now lie\(end - address == 1 ? "s" : "") at \(platform.describe(hpa: address)) in \(region.name)")
        }
        if !evidence.isEmpty { return .confirmed(evidence: Array(evidence.prefix(3))) }
        return .refuted(step: lastStep, reason: "the goal was not reached: no region of \(target) (\(list(target))) holds a byte of \(name(attacker))'s")
    }

    private func judgeExec(_ target: Target, attacker: Principal, lastStep: Int) -> Validation {
        var contexts: Set<Principal> = []
        switch target {
        case .principal(let p): contexts.insert(p)
        case .partition(let name): contexts.formUnion(platform.partition(named: name)?.principals ?? [])
        case .region: break
        }
        let side = side(of: attacker)
        var evidence: [String] = []
        for execution in executions where contexts.contains(execution.context) {
            if side.contains(execution.context) {
                // Running one's own code is a breach only for bytes written at run time, fetched in
                // kernel mode (code integrity, HVCI).
                guard execution.origin == .attacker, !execution.userMode else { continue }
            } else {
                guard isAttackers(execution.origin, side: side) else { continue }
            }
            let what = execution.origin == .attacker ? "bytes \(name(attacker)) wrote" : whose(execution.origin, attacker)
            evidence.append("\(name(execution.context)) executed \(what) at \(platform.describe(hpa: execution.hpa)) (\(execution.how)) at step \(execution.step + 1)")
        }
        if !evidence.isEmpty { return .confirmed(evidence: Array(evidence.prefix(3))) }
        let ran = executions.filter { contexts.contains($0.context) }.count
        return .refuted(step: lastStep, reason: "the goal was not reached: \(target) never executed a byte of \(name(attacker))'s (\(ran) execution\(ran == 1 ? "" : "s") observed)")
    }

    /// "g1.ram (guest1's own memory)" for the initial contents of one of the attacker's regions.
    private func whose(_ origin: ByteOrigin, _ attacker: Principal) -> String {
        guard let i = origin.regionIndex else { return describe(origin) }
        let region = platform.regions[i]
        return "\(region.name) (\(region.owner.map(name) ?? "nobody")'s own memory)"
    }

    private func list(_ target: Target) -> String {
        let names = platform.regions(of: target).map(\.name)
        return names.isEmpty ? "no region" : names.sorted().joined(separator: ", ")
    }
}
