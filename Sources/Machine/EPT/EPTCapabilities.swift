/// What a processor's EPT supports: the IA32_VMX_EPT_VPID_CAP MSR (0x48C) plus
/// MAXPHYADDR (the physical-address width, CPUID.80000008H:EAX[7:0]).
///
/// Bit positions follow DOMAIN.md §1.1 (KUT `vmx.h` `EPT_CAP_*`/`VPID_CAP_*`,
/// LNX-VMX `VMX_EPT_*_BIT`).
public struct EPTCapabilities: Hashable, Sendable {
    /// The raw value of IA32_VMX_EPT_VPID_CAP (MSR 0x48C).
    public var msr: UInt64
    /// MAXPHYADDR: host-physical address bits at and above it are reserved.
    public var maxPhysicalAddressWidth: Int

    /// Creates capabilities from the MSR value and the physical-address width.
    ///
    /// - Precondition: `32...52 ~= maxPhysicalAddressWidth` (the range a `.moat` cpu block accepts;
    ///   processors with VMX report at least 36).
    public init(msr: UInt64, maxPhysicalAddressWidth: Int) {
        precondition((32...52).contains(maxPhysicalAddressWidth), "MAXPHYADDR must be 32...52")
        self.msr = msr
        self.maxPhysicalAddressWidth = maxPhysicalAddressWidth
    }

    /// A modern processor: every EPT and INVEPT/INVVPID feature, MAXPHYADDR 46.
    public static let modern = EPTCapabilities(
        msr: [0, 6, 7, 8, 14, 16, 17, 20, 21, 22, 25, 26, 32, 40, 41, 42, 43]
            .reduce(0) { $0 | (1 << UInt64($1)) },
        maxPhysicalAddressWidth: 46)

    private func bit(_ n: UInt64) -> Bool { msr >> n & 1 == 1 }
    private mutating func setBit(_ n: UInt64, _ on: Bool) {
        msr = on ? msr | (1 << n) : msr & ~(1 << n)
    }

    /// Bit 0: execute-only entries (R=W=0, X=1) are allowed.
    public var executeOnly: Bool { get { bit(0) } set { setBit(0, newValue) } }
    /// Bit 6: 4-level walks.
    public var fourLevelWalk: Bool { get { bit(6) } set { setBit(6, newValue) } }
    /// Bit 7: 5-level walks.
    public var fiveLevelWalk: Bool { get { bit(7) } set { setBit(7, newValue) } }
    /// Bit 8: the EPTP may select UC (0) for paging-structure accesses.
    public var uncacheableStructures: Bool { get { bit(8) } set { setBit(8, newValue) } }
    /// Bit 14: the EPTP may select WB (6) for paging-structure accesses.
    public var writeBackStructures: Bool { get { bit(14) } set { setBit(14, newValue) } }
    /// Bit 16: a PDE may map a 2-MiB page.
    public var pages2M: Bool { get { bit(16) } set { setBit(16, newValue) } }
    /// Bit 17: a PDPTE may map a 1-GiB page.
    public var pages1G: Bool { get { bit(17) } set { setBit(17, newValue) } }
    /// Bit 20: INVEPT is supported.
    public var invept: Bool { get { bit(20) } set { setBit(20, newValue) } }
    /// Bit 21: EPT accessed and dirty flags.
    public var accessedDirty: Bool { get { bit(21) } set { setBit(21, newValue) } }
    /// Bit 22: advanced VM-exit information for EPT violations.
    public var advancedExitInformation: Bool { get { bit(22) } set { setBit(22, newValue) } }

    /// Host-physical address bits that are reserved: bits 51:MAXPHYADDR.
    public var reservedAddressMask: UInt64 {
        ((1 << 52) - 1) & ~((1 << UInt64(maxPhysicalAddressWidth)) - 1)
    }

    /// Whether `address` is below 2^MAXPHYADDR.
    public func isWithinPhysicalAddressWidth(_ address: UInt64) -> Bool {
        address >> UInt64(maxPhysicalAddressWidth) == 0
    }
}
