/// Processor capabilities and errata that change what the platform does.
public struct CPU: Hashable, Sendable {
    /// Physical-address width (CPUID.80000008H:EAX[7:0]); addresses at or above 2^maxPhysAddr are reserved.
    public var maxPhysAddr: Int = 46
    /// IA32_VMX_EPT_VPID_CAP[0]: execute-only EPT entries allowed.
    public var executeOnlyEPT = true
    /// Mode-based execute control is available (secondary control bit 22).
    public var mbec = true
    /// IA32_VMX_EPT_VPID_CAP[16] and [17]: 2-MiB and 1-GiB EPT leaves.
    public var pages2M = true
    public var pages1G = true
    /// IA32_VMX_EPT_VPID_CAP[21]: accessed and dirty flags for EPT.
    public var eptAccessedDirty = true
    /// VM functions (EPTP switching) and VMCS shadowing are available.
    public var vmfunc = true
    public var vmcsShadowing = true
    /// SMRR is supported (IA32_MTRRCAP bit 11).
    public var smrrSupported = true
    /// Errata this processor has.
    public var errata: Set<Erratum> = []
    /// MSRs that exist beyond the architectural set the machine knows (for the MSR-load erratum).
    public var extraMSRs: [UInt32] = []
    public var location: SourceLocation = .synthetic

    public init() {}
}

/// Processor errata that Moat models.
public enum Erratum: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// SKL031: "A VMX transition attempting to load a non-existent MSR may result in a shutdown".
    case msrLoadShutdown = "msr-load-shutdown"
    /// XSA-304 / CVE-2018-12207: machine check on an instruction-fetch page-size change under an executable EPT superpage.
    case pageSizeChangeMCE = "page-size-change-mce"

    public var description: String { rawValue }
}
