extension Platform {
    /// The questions Moat asks of any platform (`moat check --standard`, or a model without
    /// properties): each guest and each VTL 0 against the hypervisor, every other partition,
    /// VTL 1 and SMM; each device against the same; code integrity where HVCI is on; and
    /// denial of service of the platform.
    public var standardProperties: [Property] {
        var result: [Property] = []
        var seen = Set<String>()
        func ask(_ attacker: Principal, _ goal: Goal) {
            let claim = "\(displayName(attacker)) cannot \(goal)"
            guard seen.insert(claim).inserted else { return }
            result.append(Property(name: "standard: \(claim)", attacker: attacker, goal: goal, location: location, isStandard: true))
        }
        var attackers: [Principal] = partitions.map { .vtl(partition: $0.name, level: 0) }
        attackers += devices.map { .device($0.name) }
        for attacker in attackers {
            ask(attacker, .read(.principal(.hypervisor)))
            ask(attacker, .write(.principal(.hypervisor)))
            ask(attacker, .exec(.principal(.hypervisor)))
            let home: String? = attacker.partition ?? devices.first { .device($0.name) == attacker }?.assignedTo.partition
            for other in partitions where other.name != home {
                ask(attacker, .read(.partition(other.name)))
                ask(attacker, .write(.partition(other.name)))
                ask(attacker, .exec(.partition(other.name)))
            }
            if let home, let partition = partition(named: home) {
                for vtl in partition.vtls where vtl.level > 0 {
                    let secure = Principal.vtl(partition: home, level: vtl.level)
                    ask(attacker, .read(.principal(secure)))
                    ask(attacker, .write(.principal(secure)))
                    ask(attacker, .exec(.principal(secure)))
                }
                if partition.hvci, attacker.partition != nil {
                    ask(attacker, .exec(.principal(attacker)))
                }
            }
            if smm != nil {
                ask(attacker, .write(.principal(.smm)))
                ask(attacker, .exec(.principal(.smm)))
            }
            if attacker.partition != nil {
                ask(attacker, .dos)
            }
        }
        return result
    }
}
