/// What an attacker tries to achieve.
public enum Goal: Hashable, Sendable, CustomStringConvertible {
    /// Confidentiality: obtain bytes of the target's memory.
    case read(Target)
    /// Integrity: change bytes of the target's memory.
    case write(Target)
    /// Code execution: make the target execute bytes the attacker wrote. When the target is the
    /// attacker itself this is code integrity (HVCI): running self-written code in kernel mode.
    case exec(Target)
    /// Shut the platform down or hang it.
    case dos

    public var verb: String {
        switch self {
        case .read: "read"
        case .write: "write"
        case .exec: "exec"
        case .dos: "dos"
        }
    }

    public var target: Target? {
        switch self {
        case .read(let t), .write(let t), .exec(let t): t
        case .dos: nil
        }
    }

    public var description: String { target.map { "\(verb) \($0)" } ?? verb }
}

/// An isolation claim: the attacker cannot reach the goal in any reachable state.
public struct Property: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    public var attacker: Principal
    public var goal: Goal
    public var location: SourceLocation
    /// Whether Moat derived this property itself (`--standard`) rather than reading it from the model.
    public var isStandard: Bool

    public init(name: String, attacker: Principal, goal: Goal, location: SourceLocation = .synthetic, isStandard: Bool = false) {
        self.name = name
        self.attacker = attacker
        self.goal = goal
        self.location = location
        self.isStandard = isStandard
    }

    /// `guest1 cannot read hypervisor`.
    public var claim: String { "\(attacker) cannot \(goal)" }

    public var description: String { "\"\(name)\": \(claim)" }
}
