import Platform

/// Replays an attack trace on a fresh ``PlatformMachine`` and judges it: confirmed only
/// when every step happens as stated and the goal is reached in the bytes.
public struct Replayer: Sendable {
    /// The platform each replay starts from.
    public let platform: Platform

    public init(platform: Platform) { self.platform = platform }

    /// Replays `trace` and says whether it reaches its goal.
    ///
    /// Every write of the trace (whoever performs it) stores the pattern of the trace's
    /// attacker, since every step is the attacker's doing.
    ///
    /// - Returns: `.confirmed` with a few lines of evidence, or `.refuted` at the first
    ///   step that cannot happen (0-based), or at the last step when the goal is not reached.
    public func replay(_ trace: Trace) -> Validation { run(trace).validation }

    /// Like ``replay(_:)``, and also returns the machine in its final state (nil when it
    /// could not be built), for inspection.
    public func run(_ trace: Trace) -> (validation: Validation, machine: PlatformMachine?) {
        let machine: PlatformMachine
        do {
            machine = try PlatformMachine(platform: platform)
        } catch {
            return (.refuted(step: 0, reason: "the machine cannot be built: \(error)"), nil)
        }
        return run(trace, from: machine)
    }

    /// Like ``run(_:)``, from a machine already built from the platform (and not run since),
    /// which saves building one per trace.
    public func run(_ trace: Trace, from built: PlatformMachine) -> (validation: Validation, machine: PlatformMachine?) {
        var machine = built
        let attacker = trace.property.attacker
        machine.patterns.ensure(.attacker(attacker))
        let pattern = machine.patterns.attackerPattern(of: attacker)!
        for (index, step) in trace.steps.enumerated() {
            do {
                try machine.perform(step, index: index, pattern: pattern)
            } catch {
                return (.refuted(step: index, reason: error.reason), machine)
            }
        }
        return (machine.judge(trace.property, lastStep: max(0, trace.steps.count - 1)), machine)
    }
}
