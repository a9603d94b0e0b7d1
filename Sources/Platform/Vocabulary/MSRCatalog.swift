/// Which MSR indices exist on the modelled processor, for the MSR-load erratum (SKL031:
/// "A VMX transition attempting to load a non-existent MSR may result in a shutdown").
/// The architectural set below comes from the SDM vol. 4 MSR tables as Linux's
/// `msr-index.h` names them; a model adds more with `msr exists` in its cpu block.
public enum MSRCatalog {
    /// Ranges of architectural MSRs Moat treats as existing.
    public static let architectural: [ClosedRange<UInt32>] = [
        0x10...0x10,  // IA32_TIME_STAMP_COUNTER
        0x1B...0x1B,  // IA32_APIC_BASE
        0x3A...0x3A,  // IA32_FEATURE_CONTROL
        0x8B...0x8B,  // IA32_BIOS_SIGN_ID
        0x9B...0x9B,  // IA32_SMM_MONITOR_CTL
        0x9E...0x9E,  // IA32_SMBASE
        0xC1...0xC8,  // IA32_PMC0–7
        0xE7...0xE8,  // IA32_MPERF, IA32_APERF
        0xFE...0xFE,  // IA32_MTRRCAP
        0x174...0x176,  // IA32_SYSENTER_CS/ESP/EIP
        0x179...0x17B,  // IA32_MCG_CAP/STATUS/CTL
        0x1D9...0x1D9,  // IA32_DEBUGCTL
        0x1F2...0x1F3,  // IA32_SMRR_PHYSBASE/PHYSMASK
        0x200...0x21F,  // IA32_MTRR_PHYSBASE0–PHYSMASK15
        0x250...0x250, 0x258...0x259, 0x268...0x26F,  // fixed-range MTRRs
        0x277...0x277,  // IA32_PAT
        0x2FF...0x2FF,  // IA32_MTRR_DEF_TYPE
        0x38D...0x38F,  // fixed-counter and global performance controls
        0x480...0x492,  // IA32_VMX_* capability MSRs
        0x4E0...0x4E0,  // SMM_FEATURE_CONTROL
        0x600...0x600,  // IA32_DS_AREA
        0x6A0...0x6A8,  // CET
        0x6E0...0x6E0,  // IA32_TSC_DEADLINE
        0x800...0x8FF,  // x2APIC
        0xC000_0080...0xC000_0084,  // EFER, STAR, LSTAR, CSTAR, FMASK
        0xC000_0100...0xC000_0103,  // FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC_AUX
    ]

    /// An index that is in no architectural range, for building a load area that names a missing MSR.
    public static let missing: UInt32 = 0x0BAD_0000

    /// Whether an MSR exists on a CPU.
    public static func exists(_ index: UInt32, on cpu: CPU) -> Bool {
        architectural.contains { $0.contains(index) } || cpu.extraMSRs.contains(index)
    }
}
