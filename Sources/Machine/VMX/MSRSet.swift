/// A set of MSR indices, held as closed ranges.
public struct MSRSet: Hashable, Sendable, CustomStringConvertible {
    /// The ranges of the set, in the order they were added.
    public private(set) var ranges: [ClosedRange<UInt32>]

    /// A set of the given ranges.
    public init(_ ranges: [ClosedRange<UInt32>] = []) { self.ranges = ranges }

    /// Whether `msr` is in the set.
    public func contains(_ msr: UInt32) -> Bool {
        ranges.contains { $0.contains(msr) }
    }

    /// Adds `range` to the set.
    public mutating func insert(_ range: ClosedRange<UInt32>) { ranges.append(range) }

    /// Adds `msr` to the set.
    public mutating func insert(_ msr: UInt32) { insert(msr...msr) }

    /// Removes `msr` from the set, splitting the ranges that hold it.
    public mutating func remove(_ msr: UInt32) {
        ranges = ranges.flatMap { range -> [ClosedRange<UInt32>] in
            guard range.contains(msr) else { return [range] }
            var parts: [ClosedRange<UInt32>] = []
            if msr > range.lowerBound { parts.append(range.lowerBound...(msr - 1)) }
            if msr < range.upperBound { parts.append((msr + 1)...range.upperBound) }
            return parts
        }
    }

    /// Architectural MSRs that exist on a modern Intel 64 processor with VMX.
    ///
    /// Source: Intel SDM Vol. 4, Table 2-2 "IA-32 Architectural MSRs"; the VMX
    /// capability MSRs 0x480–0x492 from DOMAIN.md §3.6; MTRRCAP (0xFE) and SMRR
    /// (0x1F2–0x1F3) from DOMAIN.md §5.2.
    /// - 0x10 IA32_TIME_STAMP_COUNTER, 0x1B IA32_APIC_BASE, 0x3A IA32_FEATURE_CONTROL
    /// - 0x9B IA32_SMM_MONITOR_CTL, 0xFE IA32_MTRRCAP
    /// - 0x174–0x176 IA32_SYSENTER_CS/ESP/EIP, 0x1D9 IA32_DEBUGCTL, 0x1F2–0x1F3 SMRR
    /// - 0x200–0x21F variable MTRRs, 0x250/0x258/0x259/0x268–0x26F fixed MTRRs,
    ///   0x277 IA32_PAT, 0x2FF IA32_MTRR_DEF_TYPE
    /// - 0x480–0x492 IA32_VMX_* capability MSRs
    /// - 0xC0000080–0xC0000084 EFER, STAR, LSTAR, CSTAR, FMASK
    /// - 0xC0000100–0xC0000103 FS_BASE, GS_BASE, KERNEL_GS_BASE, TSC_AUX
    public static let architectural = MSRSet([
        0x10...0x10, 0x1B...0x1B, 0x3A...0x3A, 0x9B...0x9B, 0xFE...0xFE,
        0x174...0x176, 0x1D9...0x1D9, 0x1F2...0x1F3,
        0x200...0x21F, 0x250...0x250, 0x258...0x259, 0x268...0x26F, 0x277...0x277, 0x2FF...0x2FF,
        0x480...0x492,
        0xC000_0080...0xC000_0084, 0xC000_0100...0xC000_0103,
    ])

    /// Architectural MSRs that WRMSR cannot write (#GP): IA32_MTRRCAP and the VMX
    /// capability MSRs (SDM Vol. 4 Table 2-2 marks them read-only).
    public static let readOnly = MSRSet([0xFE...0xFE, 0x480...0x492])

    public var description: String {
        ranges.map { r in
            r.count == 1 ? "0x\(String(r.lowerBound, radix: 16))"
                : "0x\(String(r.lowerBound, radix: 16))-0x\(String(r.upperBound, radix: 16))"
        }.joined(separator: ", ")
    }
}
