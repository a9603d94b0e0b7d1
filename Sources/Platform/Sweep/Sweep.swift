/// A space of configuration variants of one platform: the cartesian product of its specs'
/// values, enumerated in a stable order (the last spec varies fastest). Variant `k` (0-based)
/// is the same variant for the same specs on every run and every machine.
public struct Sweep: Hashable, Sendable {
    public var specs: [SweepSpec]

    public init(_ specs: [SweepSpec]) {
        self.specs = specs
    }

    /// One point of the space.
    public struct Variant: Hashable, Sendable {
        /// The 0-based position in the enumeration.
        public var id: Int
        /// `(key, value)` per spec, in spec order.
        public var settings: [(key: String, value: String)]
        public var choices: [Int]

        /// `smm.smrr=off smm.lock=on`.
        public var description: String { settings.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

        public static func == (a: Variant, b: Variant) -> Bool { a.id == b.id && a.choices == b.choices }
        public func hash(into hasher: inout Hasher) { hasher.combine(id); hasher.combine(choices) }
    }

    /// How many variants there are.
    public var count: Int { specs.reduce(1) { $0 * $1.values.count } }

    /// Variant `id`.
    public func variant(_ id: Int) -> Variant {
        precondition(id >= 0 && id < count, "variant \(id) is outside 0..<\(count)")
        var rest = id
        var choices = Array(repeating: 0, count: specs.count)
        for i in specs.indices.reversed() {
            choices[i] = rest % specs[i].values.count
            rest /= specs[i].values.count
        }
        return Variant(id: id, settings: zip(specs, choices).map { ($0.key, $0.texts[$1]) }, choices: choices)
    }

    /// The ids of shard `index` of `count` shards: those `k` with `k mod count == index`.
    public func ids(shard index: Int, of shards: Int) -> [Int] {
        precondition(shards > 0 && index >= 0 && index < shards)
        return Array(stride(from: index, to: count, by: shards))
    }

    /// A fingerprint of the sweep (model and specs), so that results of different sweeps are never mixed.
    public func key(model: String) -> String {
        ([model] + specs.map(\.description)).joined(separator: " ")
    }

    /// Checks that every spec names something the platform has.
    public func validate(against platform: Platform) throws(SweepError) {
        for spec in specs {
            _ = try Self.apply(spec, spec.values[0], to: platform)
        }
    }

    /// The platform with a variant's settings applied. Pure: the argument is not changed.
    public func apply(_ variant: Variant, to platform: Platform) throws(SweepError) -> Platform {
        var result = platform
        for (spec, choice) in zip(specs, variant.choices) {
            result = try Self.apply(spec, spec.values[choice], to: result)
        }
        return result
    }

    static func apply(_ spec: SweepSpec, _ value: SweepSpec.Value, to platform: Platform) throws(SweepError) -> Platform {
        var p = platform
        switch (spec.knob, value) {
        case (.smrr, .flag(let on)), (.smmLock, .flag(let on)), (.smmCodeCheck, .flag(let on)), (.tsegDMAProtection, .flag(let on)):
            guard var smm = p.smm else { throw SweepError("'\(spec.key)': the model has no smm block") }
            switch spec.knob {
            case .smrr: smm.smrr = on
            case .smmLock: smm.locked = on
            case .smmCodeCheck: smm.codeCheck = on
            default: smm.tsegDMAProtection = on
            }
            p.smm = smm
        case (.scrubOnFree, .flag(let on)):
            p.hypervisor.scrubOnFree = on
        case (.io(let partition, let level, let port), .port(let action)):
            let (pi, vi) = try locate(partition, level, in: p, spec)
            guard p.partitions[pi].vtls[vi].vmcs.primary(VMXControls.primaryUseIOBitmaps) else {
                throw SweepError("'\(spec.key)': the VMCS of \(partition).vtl\(level) does not use I/O bitmaps, so a port cannot be set")
            }
            p.partitions[pi].vtls[vi].vmcs.ioRules.append(PortRule(action: action, low: port, high: port, location: .synthetic))
        case (.map(let partition, let level, let index), .rights(let rights)):
            let (pi, vi) = try locate(partition, level, in: p, spec)
            let count = p.partitions[pi].vtls[vi].mappings.count
            guard index < count else { throw SweepError("'\(spec.key)': \(partition).vtl\(level) has \(count) mapping\(count == 1 ? "" : "s") (0-based indices 0..\(count - 1))") }
            p.partitions[pi].vtls[vi].mappings[index].permissions = rights
        default:
            preconditionFailure("a spec's values match its knob")
        }
        return p
    }

    private static func locate(_ partition: String, _ level: Int, in p: Platform, _ spec: SweepSpec) throws(SweepError) -> (Int, Int) {
        guard let pi = p.partitions.firstIndex(where: { $0.name == partition }) else {
            throw SweepError("'\(spec.key)': no partition '\(partition)'; expected one of \(p.partitions.map(\.name).joined(separator: ", "))")
        }
        guard let vi = p.partitions[pi].vtls.firstIndex(where: { $0.level == level }) else {
            throw SweepError("'\(spec.key)': partition '\(partition)' has no VTL \(level)")
        }
        return (pi, vi)
    }
}
