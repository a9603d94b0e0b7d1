/// What the parser produces: the file's declarations with every reference still a name
/// and a location. The validator resolves the names and builds a `Platform`.
struct Name: Hashable, Sendable {
    var text: String
    var location: SourceLocation
}

struct RegionDecl {
    var name: Name
    var base: UInt64
    var size: UInt64
    var owner: Name?
    var kind: Name?
    var secret: Bool
    var location: SourceLocation
}

/// A reference from a structure to the region it lives in, with the kind that region must have.
struct Placement {
    var region: Name
    var kind: RegionKind
    var what: String
}

struct VMCSDecl {
    var config = VMCSConfig()
    var controls: [(field: ControlField, names: [Name])] = []
    var placements: [Placement] = []
    var vmfuncEntries: [Name] = []
    var location: SourceLocation
}

struct ProtectionDecl {
    var lowerLevel: Int
    var protection: VTLProtection
}

struct VTLDecl {
    var level: Int
    var mappings: [Mapping] = []
    var mappingRegions: [Name?] = []
    var ept: Name?
    var vmcs: VMCSDecl?
    var protections: [ProtectionDecl] = []
    var location: SourceLocation
}

struct PartitionDecl {
    var name: Name
    var kind: Name?
    var body: VTLDecl
    var vtls: [VTLDecl] = []
    var hvci = false
    var location: SourceLocation
}

struct DeviceDecl {
    var name: Name
    var assigned: Name?
    var iommu: Bool
    var iommuRegion: Name?
    var mappings: [Mapping] = []
    var mappingRegions: [Name?] = []
    var location: SourceLocation
}

struct PropertyDecl {
    var name: String
    var attacker: Name
    var verb: Name
    var target: Name?
    var location: SourceLocation
}

struct HandlerDecl {
    var handler: Handler
    var callers: [Name] = []
    var commBuffer: Name?
    /// Names of regions and principals used by effects, with where they were written.
    var regionRefs: [Name] = []
    var principalRefs: [Name] = []
}

struct HypervisorDecl {
    var hypervisor = Hypervisor()
    var handlers: [HandlerDecl] = []
}

struct SMMDecl {
    var smm = SMM()
    var smram: Name?
    var handlers: [HandlerDecl] = []
}

struct SyntaxFile {
    var name: String = ""
    var location: SourceLocation
    var cpu: CPU?
    var regions: [RegionDecl] = []
    var hypervisor: HypervisorDecl?
    var partitions: [PartitionDecl] = []
    var smm: SMMDecl?
    var devices: [DeviceDecl] = []
    var properties: [PropertyDecl] = []
}
