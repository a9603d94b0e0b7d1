import Testing
@testable import Machine

@Suite("VMCS fields")
struct VMCSFieldTests {
    /// (encoding, access high?, index, type, width) decoded by hand from §3.1's bit layout.
    static let decodings: [(UInt32, Bool, Int, VMCSField.FieldType, VMCSField.Width)] = [
        (0x0000, false, 0, .control, .bits16),
        (0x080E, false, 7, .guestState, .bits16),
        (0x0C0C, false, 6, .hostState, .bits16),
        (0x201A, false, 13, .control, .bits64),
        (0x201B, true, 13, .control, .bits64),
        (0x2400, false, 0, .exitInformation, .bits64),
        (0x2800, false, 0, .guestState, .bits64),
        (0x2C04, false, 2, .hostState, .bits64),
        (0x4002, false, 1, .control, .bits32),
        (0x4402, false, 1, .exitInformation, .bits32),
        (0x4826, false, 19, .guestState, .bits32),
        (0x6400, false, 0, .exitInformation, .natural),
        (0x681E, false, 15, .guestState, .natural),
        (0x6C16, false, 11, .hostState, .natural),
    ]

    @Test(arguments: decodings)
    func decode(_ raw: UInt32, _ high: Bool, _ index: Int, _ type: VMCSField.FieldType, _ width: VMCSField.Width) {
        let field = VMCSField(rawValue: raw)
        #expect(field.accessType == (high ? .high : .full))
        #expect(field.index == index)
        #expect(field.type == type)
        #expect(field.width == width)
        #expect(field.isWellFormed)
        #expect(field.isSupported)
    }

    @Test("malformed or unknown encodings are unsupported",
          arguments: [0xFFFF_FFFF, 0x0001_0000, 0x1000, 0x4003, 0x681F, 0x0001, 0x2046, 0x4830, 0x8000] as [UInt32])
    func unsupported(_ raw: UInt32) {
        #expect(!VMCSField(rawValue: raw).isSupported)
    }

    @Test func wellFormedness() {
        #expect(!VMCSField(rawValue: 0x1000).isWellFormed)  // bit 12 reserved
        #expect(!VMCSField(rawValue: 0x8000).isWellFormed)  // bit 15 reserved
        #expect(!VMCSField(rawValue: 0x4003).isWellFormed)  // high access of a 32-bit field
        #expect(VMCSField(rawValue: 0x2047).isWellFormed)  // well formed, but not a known field
        #expect(!VMCSField(rawValue: 0x2047).isSupported)
    }

    @Test func knownTableIsConsistent() {
        let fields = VMCSField.known.map(\.field)
        #expect(Set(fields).count == fields.count)
        #expect(fields == fields.sorted())
        for (field, name) in VMCSField.known {
            #expect(field.isWellFormed && field.accessType == .full, "\(name)")
            if name.hasPrefix("host ") { #expect(field.type == .hostState, "\(name)") }
            if name.hasPrefix("guest ") { #expect(field.type == .guestState, "\(name)") }
            if field.width == .bits64 { #expect(VMCSField(rawValue: field.rawValue + 1).isSupported, "\(name)") }
        }
        #expect(VMCSField.eptPointer.name == "EPT pointer")
        #expect(VMCSField(rawValue: 0x201B).name == "EPT pointer (high)")
        #expect(VMCSField.exitReason.isReadOnly && VMCSField.exitQualification.isReadOnly)
        #expect(!VMCSField.guestRIP.isReadOnly)
    }

    @Test func storageTruncatesAndSplitsHalves() {
        var vmcs = VMCS()
        vmcs[.vpid] = 0x1_2345
        #expect(vmcs[.vpid] == 0x2345)
        vmcs[.primaryProcessorControls] = 0xFFFF_FFFF_8000_0000
        #expect(vmcs[.primaryProcessorControls] == 0x8000_0000)
        vmcs[.eptPointer] = 0x1122_3344_5566_7788
        #expect(vmcs[VMCSField(rawValue: 0x201B)] == 0x1122_3344)
        vmcs[VMCSField(rawValue: 0x201B)] = 0xAABB_CCDD
        #expect(vmcs[.eptPointer] == 0xAABB_CCDD_5566_7788)
        #expect(vmcs[.guestRIP] == 0)
    }

    @Test func secondaryControlsIgnoredWithoutPrimaryBit31() {
        var vmcs = VMCS()
        vmcs[.secondaryProcessorControls] = 0xFFFF_FFFF
        #expect(vmcs.effectiveSecondaryControls == [])
        vmcs[.primaryProcessorControls] = UInt64(PrimaryProcessorControls.activateSecondaryControls.rawValue)
        #expect(vmcs.effectiveSecondaryControls.rawValue == 0xFFFF_FFFF)
    }

    @Test func exitReasonsAndErrors() {
        #expect(ExitReason.entryFailureGuestState.rawValue == 0x8000_0021)
        #expect(ExitReason.entryFailureMSRLoading.rawValue == 0x8000_0022)
        #expect(ExitReason.entryFailureMSRLoading.isEntryFailure && ExitReason.entryFailureMSRLoading.basic == 34)
        #expect(ExitReason.eptViolation.rawValue == 48 && ExitReason.eptMisconfiguration.rawValue == 49)
        #expect(ExitReason.ioInstruction.rawValue == 30 && ExitReason.vmfunc.rawValue == 59)
        #expect(VMInstructionError.vmxonInRoot.rawValue == 15)
        #expect(VMInstructionError.vmptrldBadRevision.name == "VMPTRLD with incorrect VMCS revision identifier")
        #expect(VMInstructionError(rawValue: 14).name == nil)
    }

    @Test func regionBytes() {
        var memory = PhysicalMemory()
        VMCSRegion.initialize(at: 0x5000, revision: 0x12, shadow: true, in: &memory)
        #expect(memory.read32(0x5000) == 0x8000_0012)
        #expect(VMCSRegion.abortIndicator(at: 0x5000, in: memory) == 0)
    }
}
