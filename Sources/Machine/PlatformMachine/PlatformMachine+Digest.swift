import Platform

/// A digest of the machine's state, for explorers that deduplicate the states they reach.
extension PlatformMachine {
    /// What the attacker has achieved so far, as far as the goals go: the contexts it
    /// controls, the regions whose bytes they observed, and who executed its bytes.
    public struct Achievements: Hashable, Sendable {
        /// Every context the attacker controls now.
        public var controlled: Set<Principal>
        /// Indices (in `Platform.regions`) of regions whose bytes a controlled context observed.
        public var observedRegions: Set<Int>
        /// Contexts outside the attacker's side that executed one of its bytes.
        public var ranAttackerBytes: Set<Principal>
        /// Contexts of the attacker's side that executed, in kernel mode, bytes a step wrote.
        public var ranWrittenCode: Set<Principal>
    }

    /// What `attacker` has achieved (see ``judge(_:lastStep:)`` for the rules).
    public func achievements(of attacker: Principal) -> Achievements {
        let control = control(of: attacker)
        var observed = Set<Int>()
        for observation in observations where control.controls(observation.observer, at: observation.sequence) {
            observed.formUnion(observation.regionIndices)
        }
        var ran = Set<Principal>()
        var wrote = Set<Principal>()
        for execution in executions {
            if control.side.contains(execution.context) {
                if execution.origin == .attacker && !execution.userMode { wrote.insert(execution.context) }
            } else if isAttackers(execution.origin, side: control.side) {
                ran.insert(execution.context)
            }
        }
        return Achievements(controlled: control.all, observedRegions: observed, ranAttackerBytes: ran, ranWrittenCode: wrote)
    }

    /// A digest of everything that decides what steps can do from here: memory and its
    /// provenance, the processor (MSRs, VMCS data), every EPT and IOMMU view with the
    /// hypervisor's layers and protections, the chipset, whether the platform shut down and
    /// the regions given away. What was observed and executed so far is left out (see
    /// ``achievements(of:)``), and so are the events. Two machines with equal digests
    /// behave alike from here (up to hash collisions).
    public func digest() -> Int {
        var h = Hasher()
        h.combine(memory.contentHash)
        h.combine(memory.background)
        h.combine(origins.contentHash)
        h.combine(origins.spansHash)
        h.combine(cpu.msrValues)
        h.combine(cpu.vmcsData)
        h.combine(cpu.currentVMCSPointer)
        for principal in processors.keys.sorted() {
            let p = processors[principal]!
            h.combine(principal)
            h.combine(p.tables)
            h.combine(p.layers)
            h.combine(p.protections)
            h.combine(p.shadowVMCS)
        }
        for name in devices.keys.sorted() { h.combine(name); h.combine(devices[name]!.tables) }
        h.combine(chipset.smramc)
        h.combine(chipset.configAddress)
        h.combine(chipset.smrr?.base)
        h.combine(chipset.smrr?.size)
        h.combine(hidden.cursor)
        h.combine(shutdown != nil)
        h.combine(givenAway)
        return h.finalize()
    }
}
