/// A validated platform: everything a `.moat` file says, with names resolved and checked.
/// Both semantics — the symbolic checker and the concrete machine — read this value.
public struct Platform: Hashable, Sendable {
    public var name: String
    public var file: String
    public var cpu: CPU
    /// Regions sorted by base address.
    public var regions: [Region]
    public var hypervisor: Hypervisor
    public var partitions: [Partition] {
        didSet { partitionIndex = Self.index(partitions) }
    }
    /// Where each partition name first appears in `partitions` (derived from it, so it agrees with
    /// it under `==` and hashing): the checker looks VTLs up by name in its inner loops.
    private var partitionIndex: [String: Int] = [:]
    /// Present when the model declares an `smm` block.
    public var smm: SMM?
    public var devices: [Device]
    public var properties: [Property]
    public var location: SourceLocation

    public init(name: String, file: String = "<memory>", cpu: CPU = CPU(), regions: [Region] = [], hypervisor: Hypervisor = Hypervisor(), partitions: [Partition] = [], smm: SMM? = nil, devices: [Device] = [], properties: [Property] = [], location: SourceLocation = .synthetic) {
        self.name = name
        self.file = file
        self.cpu = cpu
        self.regions = regions
        self.hypervisor = hypervisor
        self.partitions = partitions
        self.partitionIndex = Self.index(partitions)
        self.smm = smm
        self.devices = devices
        self.properties = properties
        self.location = location
    }

    public func region(named name: String) -> Region? { regions.first { $0.name == name } }

    public func partition(named name: String) -> Partition? { partitionIndex[name].map { partitions[$0] } }

    private static func index(_ partitions: [Partition]) -> [String: Int] {
        Dictionary(partitions.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    public func device(named name: String) -> Device? { devices.first { $0.name == name } }

    /// The VTL a principal names, if it is one.
    public func vtl(of principal: Principal) -> VTL? {
        guard case .vtl(let p, let level) = principal else { return nil }
        return partition(named: p)?.vtl(level)
    }

    /// Every principal of the platform, in a stable order.
    public var principals: [Principal] {
        [.hypervisor] + (smm != nil ? [.smm] : []) + partitions.flatMap(\.principals) + devices.map { .device($0.name) }
    }

    /// The regions a target stands for: those owned by the principal, by any VTL of the
    /// partition, or the region itself.
    public func regions(of target: Target) -> [Region] {
        switch target {
        case .principal(let p): regions.filter { $0.owner == p }
        case .partition(let name): regions.filter { $0.owner?.partition == name }
        case .region(let name): regions.filter { $0.name == name }
        }
    }

    /// The region that contains a host-physical address.
    public func region(containing address: UInt64) -> Region? {
        var low = 0
        var high = regions.count
        while low < high {
            let mid = (low + high) / 2
            if regions[mid].base <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, regions[low - 1].contains(address) else { return nil }
        return regions[low - 1]
    }
}

extension Platform {
    /// How reports name a principal: a partition with only VTL 0 is just its name.
    public func displayName(_ principal: Principal) -> String {
        if case .vtl(let p, 0) = principal, let partition = partition(named: p), partition.vtls.count == 1 {
            return p
        }
        return principal.description
    }

    /// `guest1 cannot read guest2`, with display names.
    public func claim(_ property: Property) -> String {
        "\(displayName(property.attacker)) cannot \(property.goal)"
    }

    /// A host-physical address with the region that holds it: `0x20003000 (g2.ram + 0x3000)`.
    public func describe(hpa: UInt64) -> String {
        guard let region = region(containing: hpa) else { return "\(hex(hpa)) (no region)" }
        let offset = hpa - region.base
        return "\(hex(hpa)) (\(region.name)\(offset == 0 ? "" : " + \(hex(offset))"))"
    }
}
