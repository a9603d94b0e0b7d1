/// The MSR bitmap (VMCS 0x2004): one 4-KiB page in four 1-KiB quarters.
/// DOMAIN.md §4.2 (BOCHS `VMexit_MSR`; LNX-NESTED `nested_vmx_exit_handled_msr`).
///
/// | byte offset | covers |
/// |---|---|
/// | 0x000–0x3FF | RDMSR of 0x00000000–0x00001FFF |
/// | 0x400–0x7FF | RDMSR of 0xC0000000–0xC0001FFF |
/// | 0x800–0xBFF | WRMSR of the low range |
/// | 0xC00–0xFFF | WRMSR of the high range |
public struct MSRBitmap: Hashable, Sendable {
    /// Host-physical address of the bitmap page.
    public var address: UInt64

    /// Names the bitmap page.
    public init(address: UInt64) { self.address = address }

    /// The byte offset within the page and the bit of `msr`'s read or write bit, or
    /// nil when `msr` lies outside both covered ranges.
    public static func location(of msr: UInt32, write: Bool) -> (offset: UInt64, bit: Int)? {
        let quarter: UInt64
        switch msr {
        case 0x0000_0000...0x0000_1FFF: quarter = write ? 0x800 : 0x000
        case 0xC000_0000...0xC000_1FFF: quarter = write ? 0xC00 : 0x400
        default: return nil
        }
        let low = msr & 0x1FFF
        return (quarter + UInt64(low >> 3), Int(low & 7))
    }

    /// Whether RDMSR (`write` = false) or WRMSR (`write` = true) of `msr` causes a VM exit.
    ///
    /// "Use MSR bitmaps" = 0 → every access exits. Otherwise an MSR outside
    /// [0, 0x1FFF] ∪ [0xC0000000, 0xC0001FFF] always exits, and any other exits iff its bit is set.
    public func msrExits(
        _ msr: UInt32, write: Bool, controls: PrimaryProcessorControls, in memory: PhysicalMemory
    ) -> Bool {
        guard controls.contains(.useMSRBitmaps) else { return true }
        guard let (offset, bit) = Self.location(of: msr, write: write) else { return true }
        return memory.read8(address + offset) >> bit & 1 == 1
    }

    /// Sets or clears the read and/or write bit of `msr`; nil leaves that bit alone.
    ///
    /// - Precondition: `msr` lies in one of the two covered ranges.
    public func setExiting(
        _ msr: UInt32, read: Bool? = nil, write: Bool? = nil, in memory: inout PhysicalMemory
    ) {
        for (isWrite, value) in [(false, read), (true, write)] {
            guard let value else { continue }
            guard let (offset, bit) = Self.location(of: msr, write: isWrite) else {
                preconditionFailure("MSR 0x\(String(msr, radix: 16)) has no bit in the MSR bitmap")
            }
            let byte = memory.read8(address + offset)
            memory.write8(value ? byte | (1 << bit) : byte & ~(1 << bit), at: address + offset)
        }
    }

    /// Sets every bit (all covered MSRs exit) or clears them all.
    public func setAll(_ exits: Bool, in memory: inout PhysicalMemory) {
        memory.fill(address, count: 4096, with: exits ? 0xFF : 0)
    }
}
