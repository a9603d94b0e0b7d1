import Platform

/// The hypervisor's view of a VTL's address space: declared layers (mappings, `map`,
/// `give`, `unmap`) and protection masks from higher VTLs, kept apart, and the EPT leaves
/// they produce: the rights of a page are the layer's rights AND the mask of the last
/// protection covering it (TLFS: "VTL protections supersede host protections").
extension PlatformMachine {
    /// A stretch of guest-physical space on which one layer (or none) and one mask apply.
    struct Segment: Hashable, Sendable {
        var gpa: UInt64
        var size: UInt64
        var layer: Layer?
        var mask: Permissions
    }

    static let allRights: Permissions = [.read, .write, .execute, .userExecute]

    /// Cuts `[low, high)` at every edge of a layer or protection inside it; in each piece
    /// the last layer and the last protection covering it apply.
    static func segments(_ low: UInt64, _ high: UInt64, layers: [Layer], protections: [Protection]) -> [Segment] {
        guard low < high else { return [] }
        var cuts: Set<UInt64> = [low, high]
        for edge in layers.flatMap({ [$0.gpa, $0.end] }) + protections.flatMap({ [$0.gpa, $0.end] })
        where edge > low && edge < high {
            cuts.insert(edge)
        }
        let edges = cuts.sorted()
        return zip(edges, edges.dropFirst()).map { a, b in
            Segment(gpa: a, size: b - a, layer: layers.last { $0.covers(a) },
                    mask: protections.last { $0.covers(a) }?.permissions ?? allRights)
        }
    }

    /// The EPT mappings that materialise a segment: none when nothing is mapped or no
    /// right survives the mask; otherwise leaves of the layer's page size where the
    /// segment covers whole aligned pages and 4-KiB leaves at its ragged ends.
    static func pieces(of segment: Segment) -> [EPTMapping] {
        guard let layer = segment.layer, let hpa = layer.hpa else { return [] }
        let rights = ept(layer.permissions.intersection(segment.mask))
        guard !rights.isEmpty else { return [] }
        let low = segment.gpa
        let high = segment.gpa + segment.size
        func mapping(_ a: UInt64, _ b: UInt64, _ size: EPTPageSize) -> EPTMapping? {
            guard a < b else { return nil }
            return EPTMapping(gpa: a, hpa: hpa + (a - layer.gpa), size: b - a, permissions: rights, pageSize: size)
        }
        let page = layer.pageSize.bytes
        let middleLow = (low + page - 1) & ~(page - 1)
        let middleHigh = high & ~(page - 1)
        guard layer.pageSize != .size4K, middleLow < middleHigh else {
            return [mapping(low, high, .size4K)].compactMap { $0 }
        }
        return [mapping(low, middleLow, .size4K), mapping(middleLow, middleHigh, eptPageSize(layer.pageSize)),
                mapping(middleHigh, high, .size4K)].compactMap { $0 }
    }

    /// Rewrites the EPT leaves of `[gpa, gpa + size)` of a VTL from its layers and
    /// protections (both ends 4-KiB aligned, below 2^48).
    mutating func recompute(_ principal: Principal, _ gpa: UInt64, size: UInt64) throws(EPTBuildError) {
        guard var processor = processors[principal] else { return }
        for segment in Self.segments(gpa, gpa + size, layers: processor.layers, protections: processor.protections) {
            let pieces = Self.pieces(of: segment)
            if pieces.isEmpty {
                try processor.tables.set(segment.gpa, size: segment.size, to: nil, in: &memory)
            }
            for piece in pieces {
                try processor.tables.set(piece.gpa, size: piece.size,
                                         to: EPTTables.Target(hpa: piece.hpa, permissions: piece.permissions,
                                                              largestPage: piece.pageSize), in: &memory)
            }
        }
        processors[principal] = processor
    }

    /// Adds a layer to a VTL and rewrites its range.
    mutating func addLayer(_ layer: Layer, to principal: Principal) throws(EPTBuildError) {
        guard processors[principal] != nil else { return }
        processors[principal]!.layers.append(layer)
        try recompute(principal, layer.gpa, size: layer.size)
    }

    /// Replaces a VTL's protection on whole pages and rewrites them.
    mutating func addProtection(_ protection: Protection, to principal: Principal) throws(EPTBuildError) {
        guard processors[principal] != nil else { return }
        processors[principal]!.protections.append(protection)
        try recompute(principal, protection.gpa, size: protection.size)
    }
}
