import Testing
@testable import Machine

/// VM-entry failures reported as VM exits: the VMCS link pointer (0x80000021, qual 4)
/// and MSR loading (0x80000022, qual = 1-based index), plus erratum SKL031.
@Suite("VM-entry failures")
struct VMEntryFailureTests {
    typealias H = VMXHarness

    static let linkFailure = VMExit(reason: ExitReason(rawValue: 0x8000_0021), qualification: 4)

    @Test("invalid link pointers", arguments: [
        0x3008,  // unaligned
        1 << 46,  // beyond MAXPHYADDR
        0x2000,  // the current VMCS
        0x6000,  // revision mismatch (region never initialised: revision 0)
    ] as [UInt64])
    func invalidLinkPointer(link: UInt64) {
        var h = H()
        h.write(.vmcsLinkPointer, link)
        #expect(h.launch() == .vmExit(Self.linkFailure))
        #expect(h.cpu.mode == .root)
        #expect(h.cpu.vmcs[.exitReason] == 0x8000_0021 && h.cpu.vmcs[.exitQualification] == 4)
        #expect(h.cpu.vmcs.launchState == .clear)
    }

    @Test func validLinkPointerAndShadowIndicator() {
        var h = H()
        h.write(.vmcsLinkPointer, H.otherVMCS)
        #expect(h.launch() == .guestEntered)
        // With VMCS shadowing on, the linked region must carry the shadow indicator.
        var g = H()
        g.enableSecondary(.vmcsShadowing)
        g.write(.vmreadBitmap, 0x7000)
        g.write(.vmwriteBitmap, 0x8000)
        g.write(.vmcsLinkPointer, H.otherVMCS)
        #expect(g.launch() == .vmExit(Self.linkFailure))
        VMCSRegion.initialize(at: H.otherVMCS, revision: H.revision, shadow: true, in: &g.memory)
        #expect(g.launch() == .guestEntered)
    }

    @Test func linkPointerCheckedAfterControls() {
        var h = H()
        h.write(.vmcsLinkPointer, 0x3008)
        h.write(.pinBasedControls, 0)
        #expect(h.launch() == .failValid(.entryInvalidControls))
    }

    @Test func msrLoadingSucceeds() {
        var h = H()
        h.msrLoadArea([(0x10, 0, 1234), (0x277, 0, 0x0007_0406_0007_0406), (0xC000_0080, 0, 0xD01)])
        #expect(h.launch() == .guestEntered)
        #expect(h.cpu.msrValues == [0x10: 1234, 0x277: 0x0007_0406_0007_0406, 0xC000_0080: 0xD01])
    }

    @Test("failing entries report their 1-based index", arguments: [
        (0xC000_0100, 0),  // FS_BASE
        (0xC000_0101, 0),  // GS_BASE
        (0x808, 0),  // x2APIC TPR
        (0x9B, 0),  // IA32_SMM_MONITOR_CTL (SMM only)
        (0x480, 0),  // read-only VMX capability MSR
        (0x3A, 0),  // locked IA32_FEATURE_CONTROL
        (0x277, 1),  // reserved dword nonzero
        (0x1234_5678, 0),  // does not exist
    ] as [(UInt32, UInt32)])
    func failingEntry(index: UInt32, reserved: UInt32) {
        var h = H()
        h.msrLoadArea([(0x10, 0, 1), (0x1B, 0, 0xFEE0_0900), (index, reserved, 5), (0x277, 0, 6)])
        #expect(h.launch() == .vmExit(VMExit(reason: ExitReason(rawValue: 0x8000_0022), qualification: 3)))
        #expect(h.cpu.mode == .root && h.cpu.vmcs.launchState == .clear)
        #expect(h.cpu.vmcs[.exitQualification] == 3)
        // Entries before the failing one were loaded; later ones were not.
        #expect(h.cpu.msrValues == [0x10: 1, 0x1B: 0xFEE0_0900])
    }

    @Test func erratumSKL031ShutsDownOnAMissingMSR() {
        var h = H()
        h.cpu.errata = [.skl031]
        h.msrLoadArea([(0x10, 0, 1), (0x4E0_0000, 0, 0)])
        #expect(h.launch() == .shutdown)
        #expect(h.cpu.isShutDown)
        #expect(h.cpu.vmread(.guestRIP) == .shutdown)
        #expect(h.resume() == .shutdown)
    }

    @Test func erratumDoesNotApplyToExistingButUnloadableMSRs() {
        var h = H()
        h.cpu.errata = [.skl031]
        h.msrLoadArea([(0xC000_0100, 0, 0)])
        #expect(h.launch().vmExit == VMExit(reason: .entryFailureMSRLoading, qualification: 1))
        #expect(!h.cpu.isShutDown)
    }

    @Test func existingMSRSetIsConfigurable() {
        var h = H()
        h.cpu.existingMSRs.insert(0x4E0)
        h.cpu.existingMSRs.remove(0x10)
        h.msrLoadArea([(0x4E0, 0, 1), (0x10, 0, 0)])
        #expect(h.launch().vmExit == VMExit(reason: .entryFailureMSRLoading, qualification: 2))
        #expect(h.cpu.msrValues[0x4E0] == 1)
        #expect(MSRSet([0x10...0x12]).contains(0x11))
        var set = MSRSet([0x10...0x12])
        set.remove(0x11)
        #expect(set.ranges == [0x10...0x10, 0x12...0x12])
    }
}
