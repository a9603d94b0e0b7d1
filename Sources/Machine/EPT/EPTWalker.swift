/// Translates guest-physical addresses through EPT paging structures held in
/// ``PhysicalMemory``, exactly as DOMAIN.md §1.3 describes (BOCHS
/// `translate_guest_physical`; KUT `ept_access_*`, `ept_reserved_bit_at_level*`).
///
/// The walk goes from the top level down. At each entry, in this order:
/// 1. not present (bits 2:0 = 0 and, with MBEC, bit 10 = 0) → EPT violation; the
///    entry's reserved bits are ignored;
/// 2. misconfiguration → exit 49: write without read; execute-only without
///    capability; a reserved bit (level-dependent, including address bits ≥
///    MAXPHYADDR); leaf memory type 2, 3 or 7; PS=1 where no page can be mapped;
/// 3. a leaf (PTE, or PS=1) ends the walk, otherwise the next table is read;
/// 4. the access is checked against the AND of the rights of all entries walked.
///
/// A misconfiguration does not depend on the access type, and a defect nearer the
/// top decides before anything below it is read. A misconfigured lower entry wins
/// over missing rights in an upper one, because rights are only checked at the leaf.
public struct EPTWalker: Sendable {
    /// The EPTP that roots the walk (validated at creation).
    public let eptp: EPTP
    /// The processor's EPT capabilities.
    public let capabilities: EPTCapabilities
    /// Whether mode-based execute control (secondary control bit 22) is on.
    public let modeBasedExecute: Bool

    private let levels: Int
    private let root: UInt64
    private let highReserved: UInt64
    private let presentMask: UInt64
    private let allow2M: Bool
    private let allow1G: Bool
    private let executeOnlyAllowed: Bool
    private let accessedDirty: Bool
    private let addressBits: UInt64

    /// Prepares walks for `eptp`.
    ///
    /// - Throws: the reason `eptp` is invalid under `capabilities` (DOMAIN.md §1.1).
    public init(eptp: EPTP, capabilities: EPTCapabilities = .modern, modeBasedExecute: Bool = false)
        throws(EPTP.Problem)
    {
        if let problem = eptp.problem(under: capabilities) { throw problem }
        self.eptp = eptp
        self.capabilities = capabilities
        self.modeBasedExecute = modeBasedExecute
        levels = eptp.levels
        root = eptp.rootAddress
        highReserved = capabilities.reservedAddressMask
        // §1.6: with MBEC, XU (bit 10) alone makes an entry present; otherwise bit 10 is ignored.
        presentMask = modeBasedExecute ? 0x407 : 0x7
        allow2M = capabilities.pages2M
        allow1G = capabilities.pages1G
        executeOnlyAllowed = capabilities.executeOnly
        accessedDirty = eptp.accessedDirtyEnabled
        addressBits = UInt64(12 + 9 * eptp.levels)
    }

    /// Walks the structures for an access to `gpa`.
    ///
    /// With EPTP[6]=1 a successful walk sets A (bit 8) in every entry used and D
    /// (bit 9) in the leaf on writes (§1.5; BOCHS `update_ept_access_dirty`); walks
    /// that fail change nothing.
    ///
    /// - Parameters:
    ///   - gpa: the guest-physical address; it must fit the walk (48 bits for 4 levels).
    ///   - access: read, write, or fetch with the guest page's U/S flag.
    ///   - linear: what an EPT violation reports about the guest-linear address.
    ///   - memory: the memory holding the structures.
    public func walk(
        _ gpa: UInt64, access: EPTAccess, linear: EPTLinearAddressInfo = .none,
        in memory: inout PhysicalMemory
    ) -> EPTOutcome {
        var recorder = DiscardingRecorder()
        return walk(gpa, access: access, linear: linear, memory: &memory, recorder: &recorder)
    }

    /// Like ``walk(_:access:linear:in:)``, and also returns every entry read.
    public func walkRecordingEntries(
        _ gpa: UInt64, access: EPTAccess, linear: EPTLinearAddressInfo = .none,
        in memory: inout PhysicalMemory
    ) -> EPTWalk {
        var recorder = CollectingRecorder()
        let outcome = walk(gpa, access: access, linear: linear, memory: &memory, recorder: &recorder)
        return EPTWalk(outcome: outcome, entries: recorder.entries)
    }

    private func walk<R: EntryRecorder>(
        _ gpa: UInt64, access: EPTAccess, linear: EPTLinearAddressInfo,
        memory: inout PhysicalMemory, recorder: inout R
    ) -> EPTOutcome {
        precondition(gpa >> addressBits == 0, "GPA does not fit a \(levels)-level EPT walk")
        var table = root
        var level = levels
        var combined = EPTPermissions.mask
        while true {
            let shift = UInt64(3 &+ 9 &* level)  // 12 + 9 * (level - 1)
            let entryAddress = table | (((gpa >> shift) & 0x1FF) << 3)
            let entry = memory.loadWord(entryAddress)
            recorder.record(level: level, address: entryAddress, value: entry)
            combined &= entry
            // Step 1 (§1.3): not present → violation; its reserved bits are ignored.
            if entry & presentMask == 0 {
                return .violation(qualification: qualification(access, combined, linear), gpa: gpa)
            }
            // Step 2 (§1.3): write without read (-w-, -wx) → misconfiguration.
            if entry & 3 == 2 { return .misconfiguration(gpa: gpa) }
            // Present with R=W=0 means X (or XU under MBEC) only: needs EPT_VPID_CAP[0].
            if entry & 3 == 0 && !executeOnlyAllowed { return .misconfiguration(gpa: gpa) }
            // Reserved bits per level (§1.2, LNX-MMU reserved masks) and PS placement.
            var reserved = highReserved
            var leafSize: EPTPageSize? = nil
            switch level {
            case 1:
                leafSize = .size4K  // bit 7 of a PTE is ignored
            case 2, 3:
                if entry & EPTEntryBits.pageSize != 0 {
                    // PS=1 where the processor cannot map a 2M/1G page → misconfiguration.
                    guard level == 2 ? allow2M : allow1G else { return .misconfiguration(gpa: gpa) }
                    leafSize = level == 2 ? .size2M : .size1G
                    // Address bits below the page size: 20:12 (2M) or 29:12 (1G).
                    reserved |= level == 2 ? 0x1F_F000 : 0x3FFF_F000
                } else {
                    reserved |= 0x78  // bits 6:3 of a non-leaf PDPTE/PDE
                }
            default:
                reserved |= 0xF8  // PML4E/PML5E: bits 7:3, so PS=1 here misconfigures too
            }
            if entry & reserved != 0 { return .misconfiguration(gpa: gpa) }
            guard let size = leafSize else {
                table = entry & EPTEntryBits.addressMask
                level &-= 1
                continue
            }
            // Leaf memory type 2, 3 or 7 → misconfiguration (LNX-MMU, BOCHS `isMemTypeValidMTRR`).
            let memoryType = (entry >> EPTEntryBits.memoryTypeShift) & 7
            if memoryType == 2 || memoryType == 3 || memoryType == 7 {
                return .misconfiguration(gpa: gpa)
            }
            // Step 4: rights are the AND over all levels (§1.3, §1.6).
            let required: UInt64
            switch access {
            case .read: required = 1
            case .write: required = 2
            case .fetch(let user): required = modeBasedExecute && user ? 0x400 : 4
            }
            if combined & required == 0 {
                return .violation(qualification: qualification(access, combined, linear), gpa: gpa)
            }
            let offsetMask = size.bytes &- 1
            let hpa = (entry & EPTEntryBits.addressMask & ~offsetMask) | (gpa & offsetMask)
            if accessedDirty {
                setAccessedDirty(gpa, leafLevel: level, isWrite: access == .write, memory: &memory)
            }
            return .translated(hpa: hpa, pageSize: size)
        }
    }

    /// Exit qualification bits 0–8 (§1.4): access, AND of R/W/X(XS), AND of XU (MBEC only), GLA info.
    private func qualification(_ access: EPTAccess, _ combined: UInt64, _ linear: EPTLinearAddressInfo)
        -> UInt64
    {
        var q = access.qualificationBits | ((combined & 7) << 3) | linear.qualificationBits
        if modeBasedExecute { q |= ((combined >> 10) & 1) << 6 }
        return q
    }

    /// Sets A in every entry of the path to `gpa` and D in its leaf on writes.
    private func setAccessedDirty(_ gpa: UInt64, leafLevel: Int, isWrite: Bool, memory: inout PhysicalMemory) {
        var table = root
        var level = levels
        while true {
            let entryAddress = table | (((gpa >> UInt64(3 + 9 * level)) & 0x1FF) << 3)
            let entry = memory.loadWord(entryAddress)
            var updated = entry | EPTEntryBits.accessed
            if level == leafLevel && isWrite { updated |= EPTEntryBits.dirty }
            if updated != entry { memory.storeWord(entryAddress, updated) }
            if level == leafLevel { return }
            table = entry & EPTEntryBits.addressMask
            level -= 1
        }
    }
}

private protocol EntryRecorder {
    mutating func record(level: Int, address: UInt64, value: UInt64)
}

private struct DiscardingRecorder: EntryRecorder {
    /// One byte of storage: a zero-sized value lives at a shared global address, and the
    /// exclusivity checks of ThreadSanitizer then report concurrent walks as racing on it.
    private var storage: UInt8 = 0
    @inline(__always) mutating func record(level: Int, address: UInt64, value: UInt64) {}
}

private struct CollectingRecorder: EntryRecorder {
    var entries: [EPTEntryRead] = []
    mutating func record(level: Int, address: UInt64, value: UInt64) {
        entries.append(EPTEntryRead(level: level, address: address, value: value))
    }
}
