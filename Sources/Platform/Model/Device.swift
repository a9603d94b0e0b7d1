/// A DMA-capable device assigned to a partition. Its DMA goes through the IOMMU's
/// second-level tables when it has one, and reaches all of memory when it has none.
/// DMA has the privilege of VTL 0 (TLFS; DOMAIN.md §6.3).
public struct Device: Hashable, Sendable {
    public var name: String
    /// The principal the device works for (a partition's VTL 0).
    public var assignedTo: Principal
    /// Whether DMA is translated by an IOMMU.
    public var iommu: Bool
    /// The region that holds the device's IOMMU tables, if the model says.
    public var iommuRegion: String?
    /// The device-visible address ranges (IOVA → host-physical).
    public var mappings: [Mapping]
    public var location: SourceLocation

    public init(name: String, assignedTo: Principal, iommu: Bool, iommuRegion: String? = nil, mappings: [Mapping] = [], location: SourceLocation = .synthetic) {
        self.name = name
        self.assignedTo = assignedTo
        self.iommu = iommu
        self.iommuRegion = iommuRegion
        self.mappings = mappings
        self.location = location
    }
}
