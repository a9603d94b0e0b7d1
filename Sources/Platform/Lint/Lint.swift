/// Configuration findings without search: the checks of `moat lint`. Each rule reads the
/// validated platform only, so a platform built in code (or varied by `moat sweep`) is
/// linted like one parsed from a file.
public enum Lint {
    /// Every finding of every rule, in source order (then by rule id).
    public static func run(_ platform: Platform) -> [LintFinding] {
        var findings: [LintFinding] = []
        findings += smm(platform)
        findings += ioPorts(platform)
        findings += mappings(platform)
        findings += devices(platform)
        findings += vmcsFeatures(platform)
        if !platform.hypervisor.scrubOnFree {
            findings.append(LintFinding(.scrubOnFreeOff, at: platform.hypervisor.location,
                                        "'scrub-on-free off': pages the hypervisor frees reach their next owner with the old owner's data"))
        }
        return findings.sorted { ($0.location, $0.rule.id, $0.message) < ($1.location, $1.rule.id, $1.message) }
    }

    /// Whether any finding is an error.
    public static func hasErrors(_ findings: [LintFinding]) -> Bool {
        findings.contains { $0.severity == .error }
    }

    static func smm(_ platform: Platform) -> [LintFinding] {
        guard let smm = platform.smm else { return [] }
        let at = smm.location
        let smram = smm.smram.map { "SMRAM '\($0)'" } ?? "SMRAM"
        var findings: [LintFinding] = []
        if !smm.smrr { findings.append(LintFinding(.smrrOff, at: at, "'smrr off': \(smram) is cacheable and visible outside SMM")) }
        if !smm.locked { findings.append(LintFinding(.smramUnlocked, at: at, "'lock off': D_LCK is clear, so D_OPEN can still open \(smram)")) }
        if !smm.codeCheck { findings.append(LintFinding(.smmCodeCheckOff, at: at, "'code-check off': SMM may execute outside \(smram)")) }
        if !smm.tsegDMAProtection {
            findings.append(LintFinding(.smramDMAUnprotected, at: at, "'tseg-dma-protection off': DMA reaches \(smram)"))
        }
        return findings
    }

    /// Ports 0xB2 and 0xCF8–0xCFF that a VTL's VMCS lets through to the hardware.
    static func ioPorts(_ platform: Platform) -> [LintFinding] {
        var findings: [LintFinding] = []
        for partition in platform.partitions {
            for vtl in partition.vtls {
                let who = platform.displayName(.vtl(partition: partition.name, level: vtl.level))
                let vmcs = vtl.vmcs
                if !vmcs.ioExits(port: Layout.apmControlPort, size: 1) {
                    findings.append(LintFinding(.smiPortPassedThrough, at: passLocation(vmcs, port: Layout.apmControlPort),
                                                "port 0xb2 passes through to \(who) without a VM exit: \(who) raises SMIs directly"))
                }
                let pci = (Layout.pciConfigAddress...0xCFF).filter { !vmcs.ioExits(port: $0, size: 1) }
                if let first = pci.first {
                    let ports = pci.count == 8 ? "0xcf8–0xcff" : pci.map { hex(UInt64($0)) }.joined(separator: ", ")
                    findings.append(LintFinding(.pciConfigPassedThrough, at: passLocation(vmcs, port: first),
                                                "PCI configuration port\(pci.count == 1 ? "" : "s") \(ports) pass\(pci.count == 1 ? "es" : "") through to \(who) without a VM exit"))
                }
            }
        }
        return findings
    }

    /// The `io pass` rule that lets a port through, or the VMCS block.
    private static func passLocation(_ vmcs: VMCSConfig, port: UInt32) -> SourceLocation {
        vmcs.ioRules.last { $0.low <= port && port <= $0.high && $0.action == .pass }?.location ?? vmcs.location
    }

    static func devices(_ platform: Platform) -> [LintFinding] {
        platform.devices.filter { !$0.iommu }.map { device in
            LintFinding(.deviceWithoutIOMMU, at: device.location,
                        "device '\(device.name)' (assigned to \(platform.displayName(device.assignedTo))) has no IOMMU: its DMA reaches all of memory")
        }
    }

    static func vmcsFeatures(_ platform: Platform) -> [LintFinding] {
        var findings: [LintFinding] = []
        for partition in platform.partitions {
            for vtl in partition.vtls {
                let who = platform.displayName(.vtl(partition: partition.name, level: vtl.level))
                if vtl.vmcs.vmfuncEnabled, let vmfunc = vtl.vmcs.vmfunc {
                    let entries = vmfunc.entries.map { platform.displayName($0) }.joined(separator: ", ")
                    findings.append(LintFinding(.vmfuncEnabled, at: vmfunc.location, "\(who) can switch EPT with VMFUNC among [\(entries)]; review that each entry is \(who)'s own"))
                }
                if vtl.vmcs.shadowingEnabled, let shadowing = vtl.vmcs.shadowing {
                    let fields = shadowing.vmwritePass.map { hex(UInt64($0)) }
                    findings.append(LintFinding(.vmcsShadowingEnabled, at: shadowing.location,
                                                "\(who) uses VMCS shadowing\(fields.isEmpty ? "" : " and VMWRITEs \(fields.joined(separator: ", ")) without a VM exit"); review the fields that pass"))
                }
            }
        }
        return findings
    }
}
