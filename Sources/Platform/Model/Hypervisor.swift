/// The VMX-root software: what it does with freed pages and the handlers it runs.
public struct Hypervisor: Hashable, Sendable {
    /// Whether freed pages are zeroed before they are handed to another principal (XSA-100).
    public var scrubOnFree = true
    public var handlers: [Handler] = []
    public var location: SourceLocation = .synthetic

    public init() {}
}

/// System-management mode: SMRAM and the locks that guard it, and the SMI handlers.
/// Defaults are those of a locked-down platform. Source: shared/DOMAIN.md §5.
public struct SMM: Hashable, Sendable {
    /// The region that is SMRAM (TSEG).
    public var smram: String?
    /// SMRR covers SMRAM: outside SMM it reads all-ones, writes are dropped and it is uncacheable.
    public var smrr = true
    /// SMRAMC.D_LCK: D_OPEN is forced to 0 and read-only until reset.
    public var locked = true
    /// SMRAMC.D_OPEN at start: SMRAM visible to non-SMM accesses.
    public var open = false
    /// SMRAM lies inside the TSEG range that the chipset protects from DMA, and that range is locked.
    public var tsegDMAProtection = true
    /// MSR 0x4E0 SMM_CODE_CHK_EN: executing outside the SMRR range in SMM is a machine check.
    public var codeCheck = true
    public var handlers: [Handler] = []
    public var location: SourceLocation = .synthetic

    public init() {}
}
