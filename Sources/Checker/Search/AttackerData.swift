import Platform

/// Where the attacker's data lies before any step (docs/machine.md, "Goals"): a byte is the
/// attacker's when a step wrote it, or when it holds the initial contents of a region the
/// attacker or a device assigned to it owns. Its own memory is its data by definition,
/// whether or not it can write it now (a kernel image mapped read-execute): a context that
/// runs it runs the attacker's code, and a copy of it carries the attacker's bytes.
struct AttackerData: Hashable {
    /// The attacker and its devices: the contexts whose memory is the attacker's data.
    /// Contexts taken over later are not among them: their memory stays theirs.
    let side: Set<Principal>
    /// The host-physical ranges of the regions they own.
    let owned: IntervalSet

    init(platform: Platform, attacker: Principal) {
        var side: Set<Principal> = [attacker]
        for device in platform.devices where device.assignedTo == attacker { side.insert(.device(device.name)) }
        self.side = side
        owned = IntervalSet(platform.regions.filter { $0.owner.map(side.contains) ?? false }.map { $0.base..<$0.end })
    }

    /// The lowest address of `range` that holds the attacker's own data from the start.
    func lowestOwned(in range: Range<UInt64>) -> UInt64? { owned.lowest(in: range) }
}
