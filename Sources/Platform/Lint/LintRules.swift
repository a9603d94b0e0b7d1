extension LintRule {
    /// Every rule `moat lint` applies, in id order.
    public static let all: [LintRule] = [
        .smrrOff, .smramUnlocked, .smmCodeCheckOff, .smramDMAUnprotected, .smiPortPassedThrough,
        .pciConfigPassedThrough, .eptWriteWithoutRead, .hvciWritableExecutable, .controlStructureMapped,
        .executableSuperpage, .deviceWithoutIOMMU, .vmfuncEnabled, .vmcsShadowingEnabled, .scrubOnFreeOff,
    ]

    public static let smrrOff = LintRule(
        id: "MOAT-L001", name: "smrr-off", severity: .error,
        summary: "SMRR does not cover SMRAM.",
        help: "Without SMRR, code outside SMM can fill cache lines for SMRAM and SMM then runs them (SMRAM cache poisoning; DOMAIN.md §5.2). Set 'smrr on' in the smm block.")
    public static let smramUnlocked = LintRule(
        id: "MOAT-L002", name: "smram-unlocked", severity: .error,
        summary: "SMRAMC.D_LCK is clear.",
        help: "Whoever reaches the PCI configuration space can set D_OPEN and make SMRAM visible outside SMM (DOMAIN.md §5.1). Set 'lock on' in the smm block.")
    public static let smmCodeCheckOff = LintRule(
        id: "MOAT-L003", name: "smm-code-check-off", severity: .warning,
        summary: "SMM_CODE_CHK_EN is off.",
        help: "SMM may execute outside SMRAM, so an SMI handler that calls out runs code any other principal can write (DOMAIN.md §5.3). Set 'code-check on' in the smm block.")
    public static let smramDMAUnprotected = LintRule(
        id: "MOAT-L004", name: "smram-dma-unprotected", severity: .error,
        summary: "SMRAM is not covered by the chipset's TSEG DMA protection.",
        help: "A DMA-capable device can read and write SMRAM behind the CPU's back (DOMAIN.md §5). Set 'tseg-dma-protection on' in the smm block.")
    public static let smiPortPassedThrough = LintRule(
        id: "MOAT-L005", name: "smi-port-passed-through", severity: .warning,
        summary: "Port 0xB2 (APM_CNT) reaches the hardware without a VM exit.",
        help: "The guest raises software SMIs directly, with arguments of its choosing, and every SMI handler becomes its attack surface (DOMAIN.md §4.1, §5.4). Let port 0xB2 exit ('io exit 0xB2') unless the guest is trusted with SMM.")
    public static let pciConfigPassedThrough = LintRule(
        id: "MOAT-L006", name: "pci-config-passed-through", severity: .error,
        summary: "PCI configuration ports 0xCF8–0xCFF reach the hardware without a VM exit.",
        help: "The guest can reprogram the chipset, including SMRAMC and DMA protections (DOMAIN.md §5.1). Let ports 0xCF8..0xCFF exit and emulate them.")
    public static let eptWriteWithoutRead = LintRule(
        id: "MOAT-L007", name: "ept-write-without-read", severity: .error,
        summary: "A mapping grants write without read.",
        help: "An EPT entry with W=1 and R=0 is an EPT misconfiguration (exit reason 49) on every access (DOMAIN.md §1.3). The parser rejects it in .moat files; lint reports it for platforms built in code (e.g. by `moat sweep`). Grant 'rw' or drop the write.")
    public static let hvciWritableExecutable = LintRule(
        id: "MOAT-L008", name: "hvci-writable-executable", severity: .error,
        summary: "Under HVCI, a VTL 0 page is both writable and kernel-executable.",
        help: "Hypervisor-enforced code integrity means no VTL 0 page is writable and supervisor-executable at once (DOMAIN.md §6.4). Split the range into rw and r-x mappings, or restrict it from VTL 1.")
    public static let controlStructureMapped = LintRule(
        id: "MOAT-L009", name: "control-structure-mapped", severity: .error,
        summary: "A structure the processor or IOMMU reads is mapped into a guest or device.",
        help: "EPT tables, VMCS, bitmaps, MSR areas, EPTP lists and IOMMU tables decide what is allowed; a principal that writes them changes the machine, one that reads them learns its layout. Remove the mapping (read-only findings are warnings).")
    public static let executableSuperpage = LintRule(
        id: "MOAT-L010", name: "executable-superpage", severity: .error,
        summary: "An executable 2-MiB or 1-GiB EPT leaf on a CPU with the page-size-change erratum.",
        help: "On such CPUs a guest that changes the page size of code it runs triggers a machine check (XSA-304, CVE-2018-12207). Map executable memory with 4K pages, or without x/u.")
    public static let deviceWithoutIOMMU = LintRule(
        id: "MOAT-L011", name: "device-without-iommu", severity: .error,
        summary: "A device is assigned with 'iommu off'.",
        help: "Its DMA reaches all of physical memory: the hypervisor, other partitions and VTL 1. Put the device behind the IOMMU ('iommu in REGION { map … }').")
    public static let vmfuncEnabled = LintRule(
        id: "MOAT-L012", name: "vmfunc-enabled", severity: .note,
        summary: "VMFUNC EPTP switching is enabled (review).",
        help: "The guest switches among the EPTs of its EPTP list without a VM exit; review that every entry belongs to the guest itself (DOMAIN.md §1.7).")
    public static let vmcsShadowingEnabled = LintRule(
        id: "MOAT-L013", name: "vmcs-shadowing-enabled", severity: .note,
        summary: "VMCS shadowing is enabled (review).",
        help: "The guest VMREADs and VMWRITEs the shadow VMCS fields whose bitmap bits are clear without a VM exit; review that no control or host-state field passes.")
    public static let scrubOnFreeOff = LintRule(
        id: "MOAT-L014", name: "scrub-on-free-off", severity: .warning,
        summary: "The hypervisor hands freed pages over without scrubbing them.",
        help: "A page freed by one principal and given to another still holds the first one's data (XSA-100). Set 'scrub-on-free on' in the hypervisor block.")
}
