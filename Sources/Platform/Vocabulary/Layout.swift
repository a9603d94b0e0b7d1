/// Where the concrete machine places the structures a platform declares. Both sides read
/// these conventions: the checker to name concrete values in steps (an EPTP, an entry's
/// address), the machine to build memory. They are Moat's choices, not hardware facts,
/// except where a source is cited.
public enum Layout {
    /// The EPT root (PML4) of a VTL is the first 4-KiB page of its `ept in` region; the
    /// remaining tables follow in allocation order.
    public static func eptRoot(of vtl: VTL, in platform: Platform) -> UInt64? {
        vtl.eptRegion.flatMap { platform.region(named: $0)?.base }
    }

    /// The EPTP of a 4-level walk with write-back paging-structure memory type:
    /// bits 2:0 = 6 (WB), bits 5:3 = 3 (walk length − 1), bit 6 = A/D enable (DOMAIN.md §1.1).
    public static func eptp(root: UInt64, accessedDirty: Bool = false) -> UInt64 {
        root | 6 | 3 << 3 | (accessedDirty ? 1 << 6 : 0)
    }

    /// The VMCS of a VTL is at the base of its `vmcs in` region.
    public static func vmcs(of vtl: VTL, in platform: Platform) -> UInt64? {
        vtl.vmcs.region.flatMap { platform.region(named: $0)?.base }
    }

    /// I/O bitmap A is the first page of the `io-bitmap` region and bitmap B the second
    /// (VMCS 0x2000 / 0x2002, DOMAIN.md §4.1).
    public static let ioBitmapBOffset: UInt64 = 0x1000

    /// SMBASE is the base of SMRAM; SMM starts executing at SMBASE + 0x8000 (DOMAIN.md §5.5).
    public static let smmEntryOffset: UInt64 = 0x8000

    /// SMM-handler parameters are consecutive little-endian 64-bit values at the start of the
    /// handler's communication buffer; without a buffer they come in registers.
    public static let commBufferParameterStride: UInt64 = 8

    /// MSR IA32_MTRR_PHYSBASE0 / PHYSMASK0: the first variable-range MTRR pair.
    public static let mtrrPhysBase0: UInt32 = 0x200
    public static let mtrrPhysMask0: UInt32 = 0x201

    /// PCI configuration mechanism #1: address port 0xCF8, data ports 0xCFC–0xCFF.
    public static let pciConfigAddress: UInt32 = 0xCF8
    public static let pciConfigData: UInt32 = 0xCFC
    /// CONFIG_ADDRESS for bus 0, device 0, function 0, dword 0x9C, which holds SMRAMC at byte 0x9D (DOMAIN.md §5.1).
    public static let smramcConfigAddress: UInt64 = 0x8000_009C
    /// The dword written to open SMRAM: SMRAMC = D_OPEN | G_SMRAME | C_BASE_SEG (0x4A) in byte 1.
    public static let smramcOpenValue: UInt64 = 0x4A << 8

    /// Port 0xB2 (APM_CNT): an OUT raises a software SMI (DOMAIN.md §5.4).
    public static let apmControlPort: UInt32 = 0xB2
}
