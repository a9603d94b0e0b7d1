import Platform

/// What the attacker has achieved so far. Every field only grows: an attacker never needs to
/// give up a capability, so the reachable states are ordered by inclusion and their union
/// (the saturated state) over-approximates everything reachable.
struct AttackState: Hashable {
    /// A mapping the attacker added to a principal's translation (by rewriting its EPT, or
    /// through a hypervisor handler's `map` or `give`).
    struct ExtraMapping: Hashable {
        var principal: Principal
        var gpa: UInt64
        var size: UInt64
        var hpa: UInt64
        var rights: Permissions
        /// For pages handed over by `give`: whether their old contents were scrubbed, and whose they were.
        var handoff: Handoff?
        /// Where in the model the mapping comes from (the effect or the entry that was rewritten).
        var origin: SourceLocation = .synthetic
    }

    enum Handoff: Hashable {
        case scrubbed
        case stale(region: String)
    }

    /// Contexts that run the attacker's code: the attacker itself, its devices, and whatever it took over.
    var controls: Set<Principal> = []
    /// Contexts that ran bytes the attacker wrote (code injection, even into a context it already controls).
    var injected: Set<Principal> = []
    var extra: Set<ExtraMapping> = []
    /// (context, VTL): the context can translate through that VTL's EPT (VMWRITE of the EPT pointer).
    var switched: Set<[Principal]> = []
    /// VTLs whose EPT the attacker turned off (guest-physical becomes host-physical).
    var eptOff: Set<Principal> = []
    /// (VTL, port) that no longer exit, and (VTL, MSR) writes that no longer exit.
    var ioPass: Set<PortKey> = []
    var msrPass: Set<PortKey> = []
    /// VTLs whose protections a higher VTL under the attacker's control lifted.
    var unprotected: Set<Principal> = []
    var smramOpen = false
    var smramCached = false
    /// Regions whose contents the attacker obtained, or changed.
    var read: Set<String> = []
    var written: Set<String> = []
    var shutdown = false

    struct PortKey: Hashable {
        var principal: Principal
        var number: UInt32
    }

    /// The union of two states.
    func union(_ o: AttackState) -> AttackState {
        var s = self
        s.controls.formUnion(o.controls)
        s.injected.formUnion(o.injected)
        s.extra.formUnion(o.extra)
        s.switched.formUnion(o.switched)
        s.eptOff.formUnion(o.eptOff)
        s.ioPass.formUnion(o.ioPass)
        s.msrPass.formUnion(o.msrPass)
        s.unprotected.formUnion(o.unprotected)
        s.smramOpen = s.smramOpen || o.smramOpen
        s.smramCached = s.smramCached || o.smramCached
        s.read.formUnion(o.read)
        s.written.formUnion(o.written)
        s.shutdown = s.shutdown || o.shutdown
        return s
    }

    /// Whether every fact of `o` is already here.
    func includes(_ o: AttackState) -> Bool { union(o) == self }

    /// The facts, one line each, for certificates and debugging.
    var facts: [String] {
        var lines: [String] = []
        lines += controls.sorted().map { "the attacker runs code as \($0)" }
        lines += injected.sorted().map { "\($0) ran bytes the attacker wrote" }
        lines += extra.sorted { ($0.principal, $0.gpa) < ($1.principal, $1.gpa) }.map {
            "\($0.principal) maps \(hex($0.gpa))+\(hex($0.size)) to \(hex($0.hpa)) with \($0.rights)"
        }
        lines += switched.map { "\($0[0]) translates through \($0[1])'s EPT" }.sorted()
        lines += eptOff.sorted().map { "\($0) runs without EPT" }
        lines += ioPass.map { "\($0.principal) reaches I/O port \(hex(UInt64($0.number))) natively" }.sorted()
        lines += msrPass.map { "\($0.principal) writes MSR \(hex(UInt64($0.number))) natively" }.sorted()
        lines += unprotected.sorted().map { "the protections on \($0) are lifted" }
        if smramOpen { lines.append("SMRAM is open (D_OPEN)") }
        if smramCached { lines.append("SMRAM is write-back cacheable") }
        lines += read.sorted().map { "the attacker read region '\($0)'" }
        lines += written.sorted().map { "the attacker wrote region '\($0)'" }
        if shutdown { lines.append("the platform shut down") }
        return lines
    }
}

extension Principal {
    static func < (a: Principal, b: Principal) -> Bool { a.description < b.description }
}
