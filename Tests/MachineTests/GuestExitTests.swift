import Testing
@testable import Machine

/// Guest instructions in VMX non-root operation and their VM exits (DOMAIN.md §3.3,
/// §4.1–4.2, §1.3–1.4, §1.7).
@Suite("Guest exits")
struct GuestExitTests {
    typealias H = VMXHarness
    static let bitmapA: UInt64 = 0x20000
    static let bitmapB: UInt64 = 0x21000
    static let msrBitmap: UInt64 = 0x22000

    /// A launched guest with I/O and MSR bitmaps on (all bits clear) and EPT mapping
    /// GPA 0–64 KiB read/write to HPA 0x100000 with the EPT of `EPTFixture`-style tables.
    static func guest(io: Bool = true, msr: Bool = true) -> H {
        var h = H()
        if io {
            h.set(.primaryProcessorControls, PrimaryProcessorControls.useIOBitmaps.rawValue)
            h.write(.ioBitmapA, bitmapA)
            h.write(.ioBitmapB, bitmapB)
        }
        if msr {
            h.set(.primaryProcessorControls, PrimaryProcessorControls.useMSRBitmaps.rawValue)
            h.write(.msrBitmap, msrBitmap)
        }
        let eptRegion = try! PageRegionAllocator(base: 0x40000, size: 0x10000)
        var builder = try! EPTBuilder(allocator: eptRegion, memory: &h.memory)
        try! builder.map(gpa: 0, hpa: 0x10_0000, size: 0x10000, permissions: [.read, .write], in: &h.memory)
        h.enableEPT(eptp: builder.eptp())
        precondition(h.launch() == .guestEntered)
        return h
    }

    @Test("I/O exit qualification", arguments: [
        (IOInstruction(port: 0x60, size: 1, isIn: true), 0x0060_0008 as UInt64),
        (IOInstruction(port: 0xCF8, size: 4, isIn: false), 0x0CF8_0003),
        (IOInstruction(port: 0x1F0, size: 2, isIn: true, isString: true, isRep: true), 0x01F0_0039),
        (IOInstruction(port: 0xB2, size: 1, isIn: false, hasImmediatePort: true), 0x00B2_0040),
    ] as [(IOInstruction, UInt64)])
    func ioQualification(io: IOInstruction, qualification: UInt64) {
        var h = Self.guest(io: false)
        h.cpu.vmcs[.primaryProcessorControls] |= UInt64(PrimaryProcessorControls.unconditionalIOExiting.rawValue)
        #expect(h.cpu.guestIO(io, memory: h.memory) == .vmExit(VMExit(reason: .ioInstruction, qualification: qualification)))
        #expect(h.cpu.mode == .root)
        #expect(h.cpu.vmcs[.exitReason] == 30 && h.cpu.vmcs[.exitQualification] == qualification)
    }

    @Test func ioThroughBitmaps() {
        var h = Self.guest()
        let port = IOInstruction(port: 0xB2, size: 1, isIn: false)
        #expect(h.cpu.guestIO(port, memory: h.memory) == .completed)  // native: reaches the SMI port
        IOBitmaps(bitmapA: Self.bitmapA, bitmapB: Self.bitmapB).setExiting(port: 0xB2, in: &h.memory)
        #expect(h.cpu.guestIO(port, memory: h.memory).vmExit?.reason == .ioInstruction)
        #expect(h.resume() == .guestEntered)
        #expect(h.cpu.guestIO(IOInstruction(port: 0xFFFF, size: 2, isIn: true), memory: h.memory).vmExit?.qualification
            == 0xFFFF_0009)
    }

    @Test func msrExits() {
        var h = Self.guest()
        #expect(h.cpu.guestRDMSR(0x10, memory: h.memory) == .value(0))
        #expect(h.cpu.guestWRMSR(0x10, value: 9, memory: h.memory) == .completed)
        #expect(h.cpu.guestRDMSR(0x10, memory: h.memory) == .value(9))
        #expect(h.cpu.guestRDMSR(0x480, memory: h.memory) == .value(VMXCapabilities.modern.basic))
        #expect(h.cpu.guestWRMSR(0x480, value: 0, memory: h.memory) == .generalProtection)
        #expect(h.cpu.guestRDMSR(0x1234, memory: h.memory) == .generalProtection)
        #expect(h.cpu.guestRDMSR(0x4000_0000, memory: h.memory) == .vmExit(VMExit(reason: .rdmsr)))
        _ = h.resume()
        MSRBitmap(address: Self.msrBitmap).setExiting(0xC000_0080, write: true, in: &h.memory)
        #expect(h.cpu.guestRDMSR(0xC000_0080, memory: h.memory) == .value(0))
        #expect(h.cpu.guestWRMSR(0xC000_0080, value: 0, memory: h.memory) == .vmExit(VMExit(reason: .wrmsr)))
        var noBitmap = Self.guest(msr: false)
        #expect(noBitmap.cpu.guestRDMSR(0x10, memory: noBitmap.memory).vmExit?.reason == .rdmsr)
    }

    @Test func cpuidAndVmcallAlwaysExit() {
        var h = Self.guest()
        #expect(h.cpu.guestCPUID() == .vmExit(VMExit(reason: .cpuid)))
        _ = h.resume()
        #expect(h.cpu.vmcall() == .vmExit(VMExit(reason: .vmcall)))
        #expect(h.cpu.vmcs[.exitReason] == 18)
    }

    @Test func eptViolationAndMisconfigurationExits() {
        var h = Self.guest()
        #expect(h.cpu.guestAccess(0x1234, access: .write, memory: &h.memory) == .translated(hpa: 0x10_1234))
        let fetch = h.cpu.guestAccess(0x1234, access: .fetchSupervisor, linear: .finalTranslation,
                                      guestLinearAddress: 0xFFFF_8000_0000_1234, memory: &h.memory)
        #expect(fetch == .vmExit(VMExit(reason: .eptViolation, qualification: 0x180 | 4 | 8 | 16,
                                        guestPhysicalAddress: 0x1234)))
        #expect(h.cpu.vmcs[.guestPhysicalAddress] == 0x1234)
        #expect(h.cpu.vmcs[.exitQualification] == 0x19C)
        #expect(h.cpu.vmcs[.guestLinearAddress] == 0xFFFF_8000_0000_1234)
        _ = h.resume()
        #expect(h.cpu.guestAccess(0x20000, access: .read, memory: &h.memory)
            == .vmExit(VMExit(reason: .eptViolation, qualification: 1, guestPhysicalAddress: 0x20000)))
        _ = h.resume()
        // Turn the PTE of GPA 0x3000 into write-only: a misconfiguration even for reads.
        let walker = try! EPTWalker(eptp: EPTP(rawValue: h.cpu.vmcs[.eptPointer]))
        let pte = walker.walkRecordingEntries(0x3000, access: .read, in: &h.memory).entries.last!
        h.memory.write64(pte.value & ~1, at: pte.address)
        #expect(h.cpu.guestAccess(0x3000, access: .read, memory: &h.memory)
            == .vmExit(VMExit(reason: .eptMisconfiguration, guestPhysicalAddress: 0x3000)))
        #expect(h.cpu.vmcs[.exitReason] == 49)
    }

    @Test func withoutEPTGuestPhysicalIsHostPhysical() {
        var h = H()
        #expect(h.launch() == .guestEntered)
        #expect(h.cpu.guestAccess(0xDEAD_B000, access: .fetchUser, memory: &h.memory) == .translated(hpa: 0xDEAD_B000))
    }

    // MARK: VMFUNC (§1.7)

    @Test func vmfuncEPTPSwitching() {
        var h = H()
        h.enableEPT(.enableVMFunctions)
        h.write(.vmFunctionControls, 1)
        h.write(.eptpListAddress, 0x8000)
        let alternate = EPTP(rootAddress: 0x9000)
        h.memory.write64(alternate.rawValue, at: 0x8000 + 8 * 5)
        h.memory.write64(alternate.rawValue | 1, at: 0x8000 + 8 * 6)  // memory type 7: invalid
        #expect(h.launch() == .guestEntered)
        #expect(h.cpu.vmfunc(function: 0, index: 5, memory: h.memory) == .completed)
        #expect(h.cpu.vmcs[.eptPointer] == alternate.rawValue && h.cpu.vmcs[.eptpIndex] == 5)
        #expect(h.cpu.vmfunc(function: 0, index: 6, memory: h.memory) == .vmExit(VMExit(reason: .vmfunc)))
        _ = h.resume()
        #expect(h.cpu.vmfunc(function: 0, index: 512, memory: h.memory) == .vmExit(VMExit(reason: .vmfunc)))
        _ = h.resume()
        #expect(h.cpu.vmfunc(function: 1, index: 0, memory: h.memory) == .vmExit(VMExit(reason: .vmfunc)))
        _ = h.resume()
        #expect(h.cpu.vmfunc(function: 64, index: 0, memory: h.memory) == .undefinedOpcode)
    }

    @Test func vmfuncWithoutTheControlIsUD() {
        var h = Self.guest()
        #expect(h.cpu.vmfunc(function: 0, index: 0, memory: h.memory) == .undefinedOpcode)
        var root = H()
        #expect(root.cpu.vmfunc(function: 0, index: 0, memory: root.memory) == .undefinedOpcode)
    }
}
