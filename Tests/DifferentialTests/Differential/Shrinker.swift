import Foundation
@testable import Platform

/// Greedy shrinking of a platform on which the checker and the explorer disagree: drop
/// properties, devices, SMM, handlers, statements, VTLs, partitions, mappings, VMCS
/// settings, errata and regions, one at a time, keeping each change after which the
/// platform is still valid and the disagreement (same kind, same claim) persists.
struct Shrinker {
    let differential: Differential
    /// What else a smaller platform's disagreement must satisfy (e.g. a known finding's rule).
    var keep: @Sendable (Differential.Disagreement, Platform) -> Bool = { _, _ in true }

    /// The printed platform, parsed back: nil when the change made it invalid.
    static func valid(_ platform: Platform) -> Platform? {
        try? Platform.parse(MoatPrinter.print(platform), file: "shrunk.moat").platform
    }

    /// Whether the disagreement shows on `platform`.
    func persists(_ platform: Platform, _ kind: Differential.Kind, _ claim: String) -> Differential.Disagreement? {
        differential.compare(platform).disagreements.first { $0.kind == kind && $0.property.claim == claim && keep($0, platform) }
    }

    /// The smallest platform found, with its disagreement.
    func shrink(_ platform: Platform, _ disagreement: Differential.Disagreement) -> (Platform, Differential.Disagreement) {
        let claim = disagreement.property.claim
        var current = platform
        current.properties = platform.properties.filter { $0.claim == claim }
        var found = disagreement
        if let p = Self.valid(current), let d = persists(p, disagreement.kind, claim) {
            current = p
            found = d
        } else {
            current = platform
        }
        var changed = true
        while changed {
            changed = false
            for candidate in Self.candidates(current) {
                guard let p = Self.valid(candidate), p.normalized != current.normalized,
                      let d = persists(p, disagreement.kind, claim) else { continue }
                current = p
                found = d
                changed = true
                break
            }
        }
        return (current, found)
    }

    /// Every platform one step smaller than `p`.
    static func candidates(_ p: Platform) -> [Platform] {
        var result: [Platform] = []
        func with(_ change: (inout Platform) -> Void) {
            var q = p
            change(&q)
            result.append(q)
        }
        for i in p.properties.indices where p.properties.count > 1 { with { $0.properties.remove(at: i) } }
        for i in p.devices.indices { with { $0.devices.remove(at: i) } }
        for i in p.devices.indices { for j in p.devices[i].mappings.indices { with { $0.devices[i].mappings.remove(at: j) } } }
        if p.smm != nil {
            with { $0.smm = nil }
            for i in p.smm!.handlers.indices { with { $0.smm!.handlers.remove(at: i) } }
            for i in p.smm!.handlers.indices {
                for j in p.smm!.handlers[i].body.indices { with { $0.smm!.handlers[i].body.remove(at: j) } }
            }
            with { $0.smm!.smrr = true }
            with { $0.smm!.locked = true; $0.smm!.open = false }
            with { $0.smm!.tsegDMAProtection = true }
            with { $0.smm!.codeCheck = true }
        }
        for i in p.hypervisor.handlers.indices { with { $0.hypervisor.handlers.remove(at: i) } }
        for i in p.hypervisor.handlers.indices {
            for j in p.hypervisor.handlers[i].body.indices { with { $0.hypervisor.handlers[i].body.remove(at: j) } }
            if !p.hypervisor.handlers[i].parameters.isEmpty { with { $0.hypervisor.handlers[i].parameters.removeLast() } }
        }
        if !p.hypervisor.scrubOnFree { with { $0.hypervisor.scrubOnFree = true } }
        for i in p.partitions.indices { with { $0.partitions.remove(at: i) } }
        for i in p.partitions.indices {
            for v in p.partitions[i].vtls.indices {
                if p.partitions[i].vtls[v].level > 0 { with { $0.partitions[i].vtls.remove(at: v) } }
                let vtl = p.partitions[i].vtls[v]
                // A VTL keeps a mapping: one without any is a corner of its own (Findings/caller-without-mappings.moat).
                for j in vtl.mappings.indices where vtl.mappings.count > 1 { with { $0.partitions[i].vtls[v].mappings.remove(at: j) } }
                if !vtl.protections.isEmpty { with { $0.partitions[i].vtls[v].protections = [:] } }
                if vtl.eptRegion != nil { with { $0.partitions[i].vtls[v].eptRegion = nil } }
                let defaults = VMCSConfig()
                if vtl.vmcs.values != defaults.values { with { $0.partitions[i].vtls[v].vmcs.values = defaults.values } }
                for j in vtl.vmcs.ioRules.indices { with { $0.partitions[i].vtls[v].vmcs.ioRules.remove(at: j) } }
                for j in vtl.vmcs.msrRules.indices { with { $0.partitions[i].vtls[v].vmcs.msrRules.remove(at: j) } }
                for j in vtl.vmcs.msrAreas.indices { with { $0.partitions[i].vtls[v].vmcs.msrAreas.remove(at: j) } }
                if vtl.vmcs.ioBitmapRegion != nil { with { $0.partitions[i].vtls[v].vmcs.ioBitmapRegion = nil } }
                if vtl.vmcs.msrBitmapRegion != nil { with { $0.partitions[i].vtls[v].vmcs.msrBitmapRegion = nil } }
            }
        }
        for e in p.cpu.errata.sorted(by: { $0.rawValue < $1.rawValue }) { with { $0.cpu.errata.remove(e) } }
        for r in p.regions { with { drop(region: r.name, from: &$0) } }
        // Together with what only they hold up: a VTL or a partition and its regions.
        for i in p.partitions.indices {
            let name = p.partitions[i].name
            for v in p.partitions[i].vtls.indices where p.partitions[i].vtls[v].level > 0 {
                let level = p.partitions[i].vtls[v].level
                with { q in
                    for r in q.regions where r.owner == .vtl(partition: name, level: level) { drop(region: r.name, from: &q) }
                    q.partitions[i].vtls.removeAll { $0.level == level }
                }
            }
            with { q in
                for r in q.regions where r.owner?.partition == name { drop(region: r.name, from: &q) }
                q.devices.removeAll { $0.assignedTo.partition == name }
                q.partitions.removeAll { $0.name == name }
            }
        }
        return result
    }

    /// Removes a region and every mapping and structure placement that names it.
    static func drop(region name: String, from p: inout Platform) {
        p.regions.removeAll { $0.name == name }
        func clean(_ m: [Mapping]) -> [Mapping] {
            m.filter { if case .region(let r, _) = $0.target { r != name } else { true } }
        }
        for i in p.partitions.indices {
            for v in p.partitions[i].vtls.indices {
                var vtl = p.partitions[i].vtls[v]
                vtl.mappings = clean(vtl.mappings)
                if vtl.eptRegion == name { vtl.eptRegion = nil }
                if vtl.vmcs.ioBitmapRegion == name { vtl.vmcs.ioBitmapRegion = nil }
                if vtl.vmcs.msrBitmapRegion == name { vtl.vmcs.msrBitmapRegion = nil }
                vtl.vmcs.msrAreas.removeAll { $0.region == name }
                p.partitions[i].vtls[v] = vtl
            }
        }
        for i in p.devices.indices {
            p.devices[i].mappings = clean(p.devices[i].mappings)
            if p.devices[i].iommuRegion == name { p.devices[i].iommuRegion = nil }
        }
    }
}
