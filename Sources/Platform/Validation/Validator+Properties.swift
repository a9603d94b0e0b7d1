extension Validator {
    mutating func properties() -> [Property] {
        var seen: [String: SourceLocation] = [:]
        var result: [Property] = []
        for decl in file.properties {
            if let earlier = seen[decl.name] {
                error(decl.location, "duplicate property name \"\(decl.name)\" (first at \(earlier)); expected a unique name")
                continue
            }
            seen[decl.name] = decl.location
            guard let attacker = principal(decl.attacker, "the attacker of \"\(decl.name)\"") else { continue }
            let goal: Goal
            if decl.verb.text == "dos" {
                goal = .dos
            } else {
                guard let target = decl.target, let t = self.target(target, property: decl.name) else { continue }
                switch decl.verb.text {
                case "read": goal = .read(t)
                case "write": goal = .write(t)
                default: goal = .exec(t)
                }
                if case .region = t, decl.verb.text == "exec" {
                    error(target.location, "'exec' names whose context runs the attacker's code; expected a principal or partition, found region '\(target.text)'")
                    continue
                }
            }
            result.append(Property(name: decl.name, attacker: attacker, goal: goal, location: decl.location))
        }
        return result
    }

    /// A property target: a region, `hypervisor`, `smm`, a partition (all its VTLs), `P.vtlN` or a device.
    private mutating func target(_ name: Name, property: String) -> Target? {
        if regionsByName[name.text] != nil { return .region(name.text) }
        if partitionsByName[name.text] != nil { return .partition(name.text) }
        if Parser.syntacticPrincipal(name.text) == .partition(name.text), devicesByName[name.text] == nil {
            error(name.location, "unknown target '\(name.text)' in \"\(property)\"; expected a region, a partition, 'PARTITION.vtlN', 'hypervisor', 'smm' or a device\(suggestion(name.text, among: principalNames + Array(regionsByName.keys)))")
            return nil
        }
        return principal(name, "the target of \"\(property)\"").map { .principal($0) }
    }
}
