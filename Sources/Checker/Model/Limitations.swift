import Platform

/// What the direct-reachability slice does not yet explore. When the attacker has any of
/// these capabilities, "no direct path" is not a proof, and the verdict is unknown with these reasons.
struct Limitations {
    let platform: Platform
    let capabilities: Capabilities

    func reasons(for property: Property) -> [String] {
        var reasons: [String] = []
        let attacker = property.attacker
        if property.goal == .dos {
            reasons.append("denial of service needs the multi-step search, which this version does not run")
        }
        let paths = capabilities.paths(of: attacker)
        // Writable structures that the processor or IOMMU reads: writing them changes the machine.
        for region in platform.regions where region.kind.isControlStructure || region.kind == .smram || region.kind == .code && region.owner == .smm {
            if let path = paths.first(where: { $0.rights.contains(.write) && overlaps($0, region) }) {
                reasons.append("\(attacker) can write region '\(region.name)' (kind \(region.kind)) through \(describe(path)); the multi-step attacks that follow are not explored yet")
            }
        }
        let handlers = platform.hypervisor.handlers.filter { $0.callers.isEmpty || $0.callers.contains(attacker) }
        if !handlers.isEmpty, attacker.partition != nil {
            reasons.append("\(attacker) can invoke \(handlers.count) hypervisor handler(s) (\(handlers.prefix(3).map(\.title).joined(separator: ", "))\(handlers.count > 3 ? ", …" : "")), whose effects are not explored yet")
        }
        if let vtl = platform.vtl(of: attacker) {
            let vmcs = vtl.vmcs
            if let smm = platform.smm, !smm.handlers.isEmpty, !vmcs.ioExits(port: 0xB2, size: 1) {
                reasons.append("\(attacker) reaches I/O port 0xB2 without a VM exit and can raise SMIs, whose handlers are not explored yet")
            }
            if let smm = platform.smm, !smm.smrr, (0x200...0x2FF).contains(where: { !vmcs.msrExits(UInt32($0), write: true) }) {
                reasons.append("\(attacker) writes MTRRs without a VM exit while SMRR is off (SMRAM cache poisoning is not explored yet)")
            }
            if let smm = platform.smm, !smm.locked, !vmcs.ioExits(port: 0xCF8, size: 4) || !vmcs.ioExits(port: 0xCFC, size: 4) {
                reasons.append("\(attacker) reaches PCI configuration space while D_LCK is clear (opening SMRAM is not explored yet)")
            }
            if vmcs.vmfuncEnabled, let list = vmcs.vmfunc, list.entries.contains(where: { $0 != attacker }) {
                reasons.append("\(attacker) can switch EPT with VMFUNC to \(list.entries.filter { $0 != attacker }.map(\.description).joined(separator: ", ")), which is not explored yet")
            }
            if vmcs.shadowingEnabled, let shadowing = vmcs.shadowing, !shadowing.vmwritePass.isEmpty {
                reasons.append("\(attacker) can VMWRITE shadow-VMCS fields without a VM exit, which is not explored yet")
            }
        }
        return reasons
    }

    private func overlaps(_ path: AccessPath, _ region: Region) -> Bool {
        path.size > 0 && path.hpa < region.end && region.base < path.hpa &+ path.size
    }

    private func describe(_ path: AccessPath) -> String {
        "\(path.fact) (\(path.location))"
    }
}
