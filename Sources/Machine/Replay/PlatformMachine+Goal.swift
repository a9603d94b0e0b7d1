import Platform

/// Whether the machine's state reaches a property's goal, judged from bytes alone:
/// - `read T`: three or more consecutive bytes of the pattern of a region of T appear in
///   what the attacker (or a device assigned to it) observed;
/// - `write T`: a region of T holds three or more consecutive bytes of the attacker's pattern;
/// - `exec T`: T (one of T's VTLs), the hypervisor or SMM executed bytes holding the
///   attacker's pattern (for T = the attacker itself, from a supervisor-mode address);
/// - `dos`: the platform shut down.
extension PlatformMachine {
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

    /// The attacker and the devices that act for it.
    private func side(of attacker: Principal) -> Set<Principal> {
        Set([attacker] + platform.devices.filter { $0.assignedTo == attacker }.map { .device($0.name) })
    }

    private func regionNames(_ target: Target) -> [String] { platform.regions(of: target).map(\.name) }

    private func judgeRead(_ target: Target, attacker: Principal, lastStep: Int) -> Validation {
        let wanted = Set(regionNames(target))
        let side = side(of: attacker)
        var evidence: [String] = []
        for observation in observations where side.contains(observation.observer) {
            for match in patterns.identify(observation.bytes) {
                guard case .region(let region) = match.owner, wanted.contains(region) else { continue }
                let at = observation.source.map { " at \(hex($0 &+ UInt64(match.offset)))" } ?? ""
                evidence.append("\(match.length) bytes of \(region)'s pattern\(at) appeared in what \(name(observation.observer)) obtained by \(observation.how) at step \(observation.step + 1)")
            }
        }
        if !evidence.isEmpty { return .confirmed(evidence: Array(evidence.prefix(3))) }
        let seen = observations.filter { side.contains($0.observer) }.count
        return .refuted(step: lastStep, reason: "the goal was not reached: no bytes of the pattern of \(list(wanted)) appeared in what \(name(attacker)) observed (\(seen) observation\(seen == 1 ? "" : "s"))")
    }

    private func judgeWrite(_ target: Target, attacker: Principal, lastStep: Int) -> Validation {
        var evidence: [String] = []
        for region in platform.regions(of: target) {
            for page in memory.allocatedPages(from: region.base, count: region.size) {
                let low = max(page, region.base)
                let high = min(page + PhysicalMemory.pageSize, region.end)
                let bytes = memory.readBytes(low, count: Int(high - low))
                for match in patterns.identify(bytes) where match.owner == .attacker(attacker) {
                    evidence.append("\(match.length) bytes of \(name(attacker))'s pattern now lie at \(platform.describe(hpa: low + UInt64(match.offset))) in \(region.name)")
                }
            }
        }
        if !evidence.isEmpty { return .confirmed(evidence: Array(evidence.prefix(3))) }
        return .refuted(step: lastStep, reason: "the goal was not reached: no region of \(target) (\(list(Set(regionNames(target))))) holds \(name(attacker))'s pattern")
    }

    private func judgeExec(_ target: Target, attacker: Principal, lastStep: Int) -> Validation {
        var contexts: Set<Principal> = [.hypervisor, .smm]
        switch target {
        case .principal(let p): contexts.insert(p)
        case .partition(let name): contexts.formUnion(platform.partition(named: name)?.principals ?? [])
        case .region: break
        }
        var evidence: [String] = []
        for execution in executions where contexts.contains(execution.context) {
            // Running one's own code is a breach only in kernel mode (code integrity, HVCI).
            if execution.context == attacker && execution.userMode { continue }
            for match in patterns.identify(execution.bytes) where match.owner == .attacker(attacker) {
                evidence.append("\(name(execution.context)) executed \(match.length) bytes of \(name(attacker))'s pattern at \(platform.describe(hpa: execution.hpa + UInt64(match.offset))) (\(execution.how)) at step \(execution.step + 1)")
            }
        }
        if !evidence.isEmpty { return .confirmed(evidence: Array(evidence.prefix(3))) }
        let ran = executions.filter { contexts.contains($0.context) }.count
        return .refuted(step: lastStep, reason: "the goal was not reached: \(target), the hypervisor and SMM never executed \(name(attacker))'s pattern (\(ran) execution\(ran == 1 ? "" : "s") observed)")
    }

    private func list(_ names: Set<String>) -> String {
        names.isEmpty ? "no region" : names.sorted().joined(separator: ", ")
    }
}
