import Testing
@testable import Machine

/// VM-entry checks after the launch state: controls (error 7, DOMAIN.md §3.6),
/// the VMCS link pointer (exit 0x80000021/4) and MSR loading (exit 0x80000022).
@Suite("VM entry")
struct VMEntryTests {
    typealias H = VMXHarness
    static let maxPhys: UInt64 = 46

    @Test func minimalControlsEnter() {
        var h = H()
        #expect(h.launch() == .guestEntered)
    }

    @Test func allowedSettingsRule() {
        // (c & lo) == lo && (c & ~hi) == 0, with lo/hi the low/high dwords.
        let msr = VMXCapabilities.control(lo: 0b0110, hi: 0b1110)
        #expect(VMXCapabilities.allows(0b0110, under: msr))
        #expect(VMXCapabilities.allows(0b1110, under: msr))
        #expect(!VMXCapabilities.allows(0b0100, under: msr))  // a must-be-1 bit clear
        #expect(!VMXCapabilities.allows(0b0111, under: msr))  // a must-be-0 bit set
    }

    @Test func disallowedControlBitsFailWith7() {
        var pin = H()
        pin.write(.pinBasedControls, 0)  // default-1 bits 1, 2, 4 clear
        #expect(pin.launch() == .failValid(.entryInvalidControls))
        var primary = H()
        primary.set(.primaryProcessorControls, 1 << 18)  // reserved (allowed-1 = 0)
        #expect(primary.launch() == .failValid(.entryInvalidControls))
        var exit = H()
        exit.write(.exitControls, 0)
        #expect(exit.launch() == .failValid(.entryInvalidControls))
        var entry = H()
        entry.set(.entryControls, VMEntryControls.entryToSMM.rawValue)
        #expect(entry.launch() == .failValid(.entryInvalidControls))
    }

    @Test func trueControlsDecideWhenBasic55IsSet() {
        // Primary bits 15/16 (CR3 load/store exiting) are default-1 in PROCBASED_CTLS
        // but may be 0 under TRUE_PROCBASED_CTLS (DOMAIN.md §3.6).
        var h = H()
        #expect(h.cpu.vmcs[.primaryProcessorControls] & 0x18000 == 0)
        #expect(h.launch() == .guestEntered)
        var caps = VMXCapabilities.modern
        caps.basic &= ~(1 << 55)
        var g = H(capabilities: caps)
        g.write(.primaryProcessorControls, g.cpu.vmcs[.primaryProcessorControls] & ~0x18000)
        #expect(g.launch() == .failValid(.entryInvalidControls))
    }

    @Test func secondaryControlsIgnoredWhenPrimaryBit31IsClear() {
        var h = H()
        h.write(.secondaryProcessorControls, 0xFFFF_FFFF)
        #expect(h.launch() == .guestEntered)
        var g = H()
        g.enableSecondary(SecondaryProcessorControls(rawValue: 0xFFFF_FFFF))
        #expect(g.launch() == .failValid(.entryInvalidControls))
    }

    @Test("EPTP checked only with enable EPT", arguments: [
        EPTP(rawValue: 0x10000 | (3 << 3) | 1).rawValue,  // memory type 1
        EPTP(rawValue: 0x10000 | (1 << 3) | 6).rawValue,  // 2-level walk
        EPTP(rawValue: 0x10000 | (3 << 3) | 6 | (1 << 7)).rawValue,  // bit 7
        EPTP(rawValue: 0x10000 | (3 << 3) | 6 | (1 << 46)).rawValue,  // ≥ MAXPHYADDR
    ])
    func badEPTP(raw: UInt64) {
        var h = H()
        h.enableEPT(eptp: EPTP(rawValue: raw))
        #expect(h.launch() == .failValid(.entryInvalidControls))
        var g = H()
        g.enableSecondary([])
        g.write(.eptPointer, raw)
        #expect(g.launch() == .guestEntered)
    }

    @Test("features that require EPT", arguments: [
        SecondaryProcessorControls.unrestrictedGuest, .modeBasedExecuteControl, .enablePML, .subPageWritePermissions,
    ])
    func requiresEPT(_ control: SecondaryProcessorControls) {
        var h = H()
        h.enableSecondary(control)
        #expect(h.launch() == .failValid(.entryInvalidControls))
        var g = H()
        g.enableEPT(control)
        #expect(g.launch() == .guestEntered)
    }

    @Test func eptpSwitchingRequiresEPTAndAValidList() {
        var h = H()
        h.enableSecondary(.enableVMFunctions)
        h.write(.vmFunctionControls, 1)
        h.write(.eptpListAddress, 0x8000)
        #expect(h.launch() == .failValid(.entryInvalidControls))
        var g = H()
        g.enableEPT(.enableVMFunctions)
        g.write(.vmFunctionControls, 1)
        g.write(.eptpListAddress, 0x8008)
        #expect(g.launch() == .failValid(.entryInvalidControls))
        g.write(.eptpListAddress, 0x8000)
        g.write(.vmFunctionControls, 2)  // function 1 not allowed by IA32_VMX_VMFUNC
        #expect(g.launch() == .failValid(.entryInvalidControls))
        g.write(.vmFunctionControls, 1)
        #expect(g.launch() == .guestEntered)
    }

    @Test("bitmap addresses checked only when their control is on", arguments: [
        (VMCSField.ioBitmapA, PrimaryProcessorControls.useIOBitmaps),
        (.ioBitmapB, .useIOBitmaps),
        (.msrBitmap, .useMSRBitmaps),
    ])
    func bitmapAddresses(field: VMCSField, control: PrimaryProcessorControls) {
        for bad: UInt64 in [0x5008, 1 << 46] {
            var off = H()
            off.write(field, bad)
            #expect(off.launch() == .guestEntered)
            var on = H()
            on.set(.primaryProcessorControls, control.rawValue)
            on.write(field, bad)
            #expect(on.launch() == .failValid(.entryInvalidControls))
        }
    }

    @Test("MSR-area address and range (KUT test_entry_msr_load)", arguments: [
        (VMCSField.entryMSRLoadAddress, VMCSField.entryMSRLoadCount),
        (.exitMSRLoadAddress, .exitMSRLoadCount),
        (.exitMSRStoreAddress, .exitMSRStoreCount),
    ])
    func msrAreas(address: VMCSField, count: VMCSField) {
        let top: UInt64 = 1 << Self.maxPhys
        // count 2: 2^N − 16 is invalid, 2^N − 32 and 2^N − 48 are valid; bits 3:0 must be 0.
        for (addr, valid) in [(top - 16, false), (top - 32, true), (top - 48, true), (0x4008, false), (0x4010, true)] {
            var h = H()
            h.write(address, addr)
            h.write(count, 2)
            if valid && address == .entryMSRLoadAddress {
                // The area is read on entry: zero entries are index 0, which does not exist.
                #expect(h.launch().vmExit?.reason == .entryFailureMSRLoading, "0x\(String(addr, radix: 16))")
            } else {
                #expect(h.launch() == (valid ? .guestEntered : .failValid(.entryInvalidControls)),
                        "0x\(String(addr, radix: 16))")
            }
        }
        var zero = H()
        zero.write(address, top + 3)  // ignored when the count is 0
        #expect(zero.launch() == .guestEntered)
    }

    @Test func vpidMustBeNonzero() {
        var h = H()
        h.enableSecondary(.enableVPID)
        #expect(h.launch() == .failValid(.entryInvalidControls))
        h.write(.vpid, 1)
        #expect(h.launch() == .guestEntered)
    }

    @Test func controlChecksComeAfterLaunchState() {
        var h = H()
        #expect(h.launch() == .guestEntered)
        _ = h.cpu.vmcall()  // exit to root
        h.write(.pinBasedControls, 0)
        #expect(h.launch() == .failValid(.vmlaunchNonClear))
        #expect(h.resume() == .failValid(.entryInvalidControls))
    }
}
