extension Lint {
    /// Rules over EPT and IOMMU mappings: write without read, W+X under HVCI, control
    /// structures mapped, executable superpages on an affected CPU.
    static func mappings(_ platform: Platform) -> [LintFinding] {
        var findings: [LintFinding] = []
        var all: [(who: String, mapping: Mapping)] = []
        for partition in platform.partitions {
            for vtl in partition.vtls {
                let who = platform.displayName(.vtl(partition: partition.name, level: vtl.level))
                all += vtl.mappings.map { (who, $0) }
                if partition.hvci, vtl.level == 0 {
                    findings += writableExecutable(vtl, of: partition, who: who)
                }
            }
        }
        for device in platform.devices where device.iommu {
            all += device.mappings.map { ("device '\(device.name)'", $0) }
        }
        let superpageErratum = platform.cpu.errata.contains(.pageSizeChangeMCE)
        for (who, m) in all {
            let range = "guest-physical [\(hex(m.gpa)), \(hex(m.gpaEnd))) → \(m.target)"
            if m.permissions.isWriteWithoutRead {
                findings.append(LintFinding(.eptWriteWithoutRead, at: m.location, "\(who) maps \(range) with \(m.permissions): write without read is an EPT misconfiguration"))
            }
            for region in platform.regions where region.kind.isControlStructure && region.overlaps(base: m.hpa, size: m.size) {
                let writable = m.permissions.contains(.write)
                findings.append(LintFinding(
                    .controlStructureMapped, at: m.location,
                    "\(who) maps \(range) with \(m.permissions), which covers \(region.kind) region '\(region.name)'\(writable ? ": it can rewrite it" : " (read-only)")",
                    severity: writable ? .error : .warning))
            }
            if superpageErratum, m.pageSize != .size4K, !m.permissions.intersection([.execute, .userExecute]).isEmpty, !who.hasPrefix("device") {
                findings.append(LintFinding(.executableSuperpage, at: m.location,
                                            "\(who) maps \(range) with \(m.permissions) in \(m.pageSize) pages on a CPU with erratum page-size-change-mce"))
            }
        }
        return findings
    }

    /// Host pages a VTL 0 maps writable (at one guest-physical address) and kernel-executable
    /// (at the same or another), unless VTL 1's static protections take the write or execute away.
    private static func writableExecutable(_ vtl: VTL, of partition: Partition, who: String) -> [LintFinding] {
        let protections = partition.vtls.flatMap { $0.protections[vtl.level] ?? [] }
        func effective(_ m: Mapping) -> Permissions {
            var rights = m.permissions
            for p in protections where p.gpa <= m.gpa && m.gpaEnd <= p.gpa &+ p.size { rights.formIntersection(p.permissions) }
            return rights
        }
        var findings: [LintFinding] = []
        for x in vtl.mappings where effective(x).contains(.execute) {
            for w in vtl.mappings where effective(w).contains(.write) {
                let low = max(x.hpa, w.hpa)
                let high = min(x.hpaEnd, w.hpaEnd)
                guard low < high else { continue }
                let how = x == w
                    ? "maps guest-physical [\(hex(x.gpa)), \(hex(x.gpaEnd))) → \(x.target) with \(x.permissions)"
                    : "maps host-physical [\(hex(low)), \(hex(high))) executable here and writable at guest-physical \(hex(w.gpa + (low - w.hpa))) (\(w.location))"
                findings.append(LintFinding(.hvciWritableExecutable, at: x.location, "\(who) \(how), but partition '\(partition.name)' has 'hvci on'"))
            }
        }
        return findings
    }
}
