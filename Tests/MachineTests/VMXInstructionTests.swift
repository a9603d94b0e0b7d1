import Testing
@testable import Machine

/// VMX instruction outcomes from DOMAIN.md §3.4–3.5.
@Suite("VMX instructions")
struct VMXInstructionTests {
    typealias H = VMXHarness

    @Test("VMXON with CR4.VMXE=0 is #UD at any CPL", arguments: [0, 3])
    func vmxonWithoutVMXE(cpl: Int) {
        var h = H(enter: false)
        h.cpu.cr4VMXE = false
        h.cpu.cpl = cpl
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .undefinedOpcode)
        #expect(h.cpu.mode == .outside)
    }

    @Test func vmxonPreconditions() {
        var h = H(enter: false)
        h.cpu.cpl = 3
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .generalProtection)
        h.cpu.cpl = 0
        h.cpu.featureControl = 0x1  // locked, VMX outside SMX disabled
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .generalProtection)
        h.cpu.featureControl = 0x4  // enabled but unlocked
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .generalProtection)
        h.cpu.featureControl = 0x5
        #expect(h.cpu.vmxon(H.vmxon + 8, memory: h.memory) == .failInvalid)
        #expect(h.cpu.vmxon(1 << 46, memory: h.memory) == .failInvalid)
        h.memory.write32(H.revision + 1, at: 0x5000)
        #expect(h.cpu.vmxon(0x5000, memory: h.memory) == .failInvalid)
        h.memory.write32(H.revision | 1 << 31, at: 0x5000)
        #expect(h.cpu.vmxon(0x5000, memory: h.memory) == .failInvalid)
        #expect(h.cpu.mode == .outside)
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .succeed)
        #expect(h.cpu.mode == .root && h.cpu.vmxonPointer == H.vmxon)
    }

    @Test func vmxonTwice() {
        var h = H(enter: false)
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .succeed)
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .failInvalid)  // no current VMCS
        #expect(h.cpu.vmptrld(H.vmcsAddress, memory: h.memory) == .succeed)
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .failValid(.vmxonInRoot))
        #expect(h.cpu.vmcs[.vmInstructionError] == 15)
        h.cpu.cpl = 3
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory) == .generalProtection)
    }

    @Test func instructionsOutsideVMXOperationAreUD() {
        var h = H(enter: false)
        #expect(h.cpu.vmptrld(H.vmcsAddress, memory: h.memory) == .undefinedOpcode)
        #expect(h.cpu.vmclear(H.vmcsAddress) == .undefinedOpcode)
        #expect(h.cpu.vmptrst() == .undefinedOpcode)
        #expect(h.cpu.vmread(.guestRIP) == .undefinedOpcode)
        #expect(h.cpu.vmwrite(.guestRIP, 0) == .undefinedOpcode)
        #expect(h.cpu.vmxoff() == .undefinedOpcode)
        #expect(h.cpu.vmcall() == .undefinedOpcode)
        #expect(h.launch() == .undefinedOpcode)
    }

    @Test func cpl3InRootIsGP() {
        var h = H()
        h.cpu.cpl = 3
        #expect(h.cpu.vmptrld(H.vmcsAddress, memory: h.memory) == .generalProtection)
        #expect(h.cpu.vmread(.guestRIP) == .generalProtection)
        #expect(h.cpu.vmcall() == .generalProtection)
        #expect(h.launch() == .generalProtection)
    }

    @Test func vmclearErrors() {
        var h = H()
        #expect(h.cpu.vmclear(0x2008) == .failValid(.vmclearInvalidAddress))
        #expect(h.cpu.vmclear(1 << 50) == .failValid(.vmclearInvalidAddress))
        #expect(h.cpu.vmclear(H.vmxon) == .failValid(.vmclearVMXONPointer))
        #expect(h.cpu.vmclear(H.vmcsAddress) == .succeed)
        // Clearing the current VMCS leaves none: VMPTRST stores all ones, VMfail is Invalid.
        #expect(h.cpu.vmptrst() == .value(~0))
        #expect(h.cpu.vmclear(0x2008) == .failInvalid)
    }

    @Test func vmptrldErrors() {
        var h = H()
        #expect(h.cpu.vmptrld(0x3004, memory: h.memory) == .failValid(.vmptrldInvalidAddress))
        #expect(h.cpu.vmptrld(H.vmxon, memory: h.memory) == .failValid(.vmptrldVMXONPointer))
        h.memory.write32(0x7777, at: H.otherVMCS)
        #expect(h.cpu.vmptrld(H.otherVMCS, memory: h.memory) == .failValid(.vmptrldBadRevision))
        #expect(h.cpu.vmcs[.vmInstructionError] == 11)
        #expect(h.cpu.vmptrst() == .value(H.vmcsAddress))
        // A shadow-VMCS indicator is accepted only with VMCS-shadowing support.
        VMCSRegion.initialize(at: H.otherVMCS, revision: H.revision, shadow: true, in: &h.memory)
        #expect(h.cpu.vmptrld(H.otherVMCS, memory: h.memory) == .succeed)
        var noShadow = VMXCapabilities.modern
        noShadow.secondaryProcessorBased &= ~(1 << (32 + 14))
        var g = H(capabilities: noShadow)
        VMCSRegion.initialize(at: H.otherVMCS, revision: H.revision, shadow: true, in: &g.memory)
        #expect(g.cpu.vmptrld(H.otherVMCS, memory: g.memory) == .failValid(.vmptrldBadRevision))
    }

    @Test func vmreadAndVmwrite() {
        var h = H()
        #expect(h.cpu.vmwrite(.guestRIP, 0xFFFF_8000_0000_1000) == .succeed)
        #expect(h.cpu.vmread(.guestRIP) == .value(0xFFFF_8000_0000_1000))
        #expect(h.cpu.vmread(VMCSField(rawValue: ~0)) == .failValid(.unsupportedComponent))
        #expect(h.cpu.vmwrite(VMCSField(rawValue: ~0), 0) == .failValid(.unsupportedComponent))
        #expect(h.cpu.vmwrite(.exitReason, 1) == .failValid(.vmwriteReadOnly))
        #expect(h.cpu.vmread(.vmInstructionError) == .value(13))
        _ = h.cpu.vmclear(H.vmcsAddress)
        #expect(h.cpu.vmread(.guestRIP) == .failInvalid)
        #expect(h.cpu.vmwrite(.guestRIP, 0) == .failInvalid)
        var caps = VMXCapabilities.modern
        caps.misc |= 1 << 29
        var g = H(capabilities: caps)
        #expect(g.cpu.vmwrite(.exitQualification, 7) == .succeed)
        #expect(g.cpu.vmread(.exitQualification) == .value(7))
    }

    @Test func launchResumeSequence() {
        var h = H()
        #expect(h.resume() == .failValid(.vmresumeNonLaunched))
        #expect(h.launch() == .guestEntered)
        #expect(h.cpu.mode == .nonRoot)
        // VMX instructions in the guest exit with their own reasons.
        #expect(h.launch().vmExit?.reason == .vmlaunch)
        #expect(h.cpu.mode == .root)
        #expect(h.cpu.vmcs[.exitReason] == 20)
        #expect(h.launch() == .failValid(.vmlaunchNonClear))
        #expect(h.cpu.vmread(.vmInstructionError) == .value(4))
        #expect(h.resume() == .guestEntered)
        #expect(h.cpu.vmptrld(H.vmcsAddress, memory: h.memory).vmExit?.reason == .vmptrld)
        #expect(h.resume() == .guestEntered)
        #expect(h.cpu.vmxon(H.vmxon, memory: h.memory).vmExit?.reason == .vmxon)
        // VMCLEAR makes it launchable again.
        #expect(h.cpu.vmclear(H.vmcsAddress) == .succeed)
        #expect(h.cpu.vmptrld(H.vmcsAddress, memory: h.memory) == .succeed)
        #expect(h.launch() == .guestEntered)
    }

    @Test func launchWithoutCurrentOrWithShadowVMCS() {
        var h = H()
        _ = h.cpu.vmclear(H.vmcsAddress)
        #expect(h.launch() == .failInvalid)
        VMCSRegion.initialize(at: H.otherVMCS, revision: H.revision, shadow: true, in: &h.memory)
        #expect(h.cpu.vmptrld(H.otherVMCS, memory: h.memory) == .succeed)
        #expect(h.launch() == .failInvalid)
    }

    @Test func movSSBlockingComesBeforeLaunchState() {
        var h = H()
        h.cpu.blockedByMovSS = true
        #expect(h.resume() == .failValid(.entryBlockedByMovSS))
    }

    @Test func vmcallAndVmxoff() {
        var h = H(enter: false)
        _ = h.cpu.vmxon(H.vmxon, memory: h.memory)
        #expect(h.cpu.vmcall() == .failInvalid)  // VMfail(1) without a current VMCS
        _ = h.cpu.vmptrld(H.vmcsAddress, memory: h.memory)
        #expect(h.cpu.vmcall() == .failValid(.vmcallInRoot))
        #expect(h.cpu.vmxoff() == .succeed)
        #expect(h.cpu.mode == .outside && h.cpu.currentVMCSPointer == nil)
    }
}
