import Platform

/// What the search does not model. When the saturated state touches any of these, "the goal
/// is not in the saturated state" is not a proof, and the verdict is unknown with these reasons.
struct Limitations {
    let platform: Platform
    var cache: PathCache? = nil

    /// Regions whose rewriting the search turns into moves: EPTs and IOMMU tables, bitmaps,
    /// MSR-load areas (with the SKL031 erratum), SMRAM and hypervisor code.
    private var modelled: Set<String> {
        var names = Set<String>()
        for p in platform.partitions {
            for v in p.vtls {
                if let r = v.eptRegion { names.insert(r) }
                if let r = v.vmcs.ioBitmapRegion { names.insert(r) }
                if let r = v.vmcs.msrBitmapRegion { names.insert(r) }
                if platform.cpu.errata.contains(.msrLoadShutdown) {
                    for area in v.vmcs.msrAreas where area.kind == .entryLoad { area.region.map { _ = names.insert($0) } }
                }
            }
        }
        for d in platform.devices { if let r = d.iommuRegion { names.insert(r) } }
        return names
    }

    func reasons(for property: Property, saturated state: AttackState) -> [String] {
        var reasons: [String] = []
        let world = World(platform: platform, state: state, cache: cache)
        let writable = world.reachable(.write)
        let modelled = self.modelled
        for region in platform.regions where region.kind.isControlStructure && !modelled.contains(region.name) {
            let touched = state.written.contains(region.name) || writable.lowest(in: region.base..<region.end) != nil
            if touched {
                reasons.append("the attacker can write region '\(region.name)' (kind \(region.kind)), whose effect on the machine this version does not model")
            }
        }
        for context in state.controls.sorted() {
            guard let vtl = platform.vtl(of: context), vtl.vmcs.shadowingEnabled, let shadowing = vtl.vmcs.shadowing else { continue }
            // Guest-state fields (encoding bits 11:10 = 2) hold state the guest sets anyway, and
            // read-only fields (1) cannot be written (DOMAIN.md §3.1); the EPT pointer and the
            // processor-based controls are modelled.
            let unmodelled = Set(shadowing.vmwritePass.filter { ($0 >> 10) & 3 == 0 || ($0 >> 10) & 3 == 3 }).subtracting([0x201A, 0x401E, 0x4002])
            if !unmodelled.isEmpty {
                reasons.append("\(platform.displayName(context)) can VMWRITE shadow-VMCS fields \(unmodelled.sorted().prefix(4).map { hex(UInt64($0)) }.joined(separator: ", "))\(unmodelled.count > 4 ? ", …" : ""), whose effect this version does not model")
            }
        }
        return reasons
    }
}
