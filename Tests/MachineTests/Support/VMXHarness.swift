@testable import Machine

/// A processor in VMX root operation with a current, clear VMCS whose controls are
/// the minimum the capability MSRs demand, ready for VMLAUNCH.
struct VMXHarness {
    static let vmxon: UInt64 = 0x1000
    static let vmcsAddress: UInt64 = 0x2000
    static let otherVMCS: UInt64 = 0x3000
    static let msrArea: UInt64 = 0x4000
    static let eptRoot: UInt64 = 0x10000
    static let revision: UInt32 = VMXCapabilities.modern.revision

    var cpu: VMXCPU
    var memory = PhysicalMemory()

    /// Lays out the regions; with `enter` runs VMXON, VMCLEAR and VMPTRLD and writes
    /// the minimal controls (allowed-0 dwords of the TRUE MSRs) and link pointer ~0.
    init(capabilities: VMXCapabilities = .modern, enter: Bool = true) {
        cpu = VMXCPU(capabilities: capabilities)
        VMCSRegion.initialize(at: Self.vmxon, revision: Self.revision, in: &memory)
        VMCSRegion.initialize(at: Self.vmcsAddress, revision: Self.revision, in: &memory)
        VMCSRegion.initialize(at: Self.otherVMCS, revision: Self.revision, in: &memory)
        guard enter else { return }
        precondition(cpu.vmxon(Self.vmxon, memory: memory) == .succeed)
        precondition(cpu.vmclear(Self.vmcsAddress) == .succeed)
        precondition(cpu.vmptrld(Self.vmcsAddress, memory: memory) == .succeed)
        let caps = cpu.capabilities
        write(.pinBasedControls, caps.effectivePinBased & 0xFFFF_FFFF)
        write(.primaryProcessorControls, caps.effectiveProcessorBased & 0xFFFF_FFFF)
        write(.exitControls, caps.effectiveExit & 0xFFFF_FFFF)
        write(.entryControls, caps.effectiveEntry & 0xFFFF_FFFF)
        write(.vmcsLinkPointer, ~0)
    }

    /// VMWRITE that must succeed.
    mutating func write(_ field: VMCSField, _ value: UInt64) {
        let outcome = cpu.vmwrite(field, value)
        precondition(outcome == .succeed, "VMWRITE \(field): \(outcome)")
    }

    /// ORs `bits` into a 32-bit control field.
    mutating func set(_ field: VMCSField, _ bits: UInt32) {
        write(field, cpu.vmcs[field] | UInt64(bits))
    }

    /// Turns on secondary controls (and primary bit 31).
    mutating func enableSecondary(_ controls: SecondaryProcessorControls) {
        set(.primaryProcessorControls, PrimaryProcessorControls.activateSecondaryControls.rawValue)
        set(.secondaryProcessorControls, controls.rawValue)
    }

    /// Enables EPT with a valid EPTP rooted at `eptRoot`.
    mutating func enableEPT(_ extra: SecondaryProcessorControls = [], eptp: EPTP = EPTP(rootAddress: eptRoot)) {
        enableSecondary(extra.union(.enableEPT))
        write(.eptPointer, eptp.rawValue)
    }

    mutating func launch() -> VMXOutcome { cpu.vmlaunch(memory: &memory) }
    mutating func resume() -> VMXOutcome { cpu.vmresume(memory: &memory) }

    /// Writes an MSR-load area of (index, reserved, value) entries and its count.
    mutating func msrLoadArea(_ entries: [(UInt32, UInt32, UInt64)]) {
        for (i, (index, reserved, value)) in entries.enumerated() {
            let entry = Self.msrArea + 16 * UInt64(i)
            memory.write32(index, at: entry)
            memory.write32(reserved, at: entry + 4)
            memory.write64(value, at: entry + 8)
        }
        write(.entryMSRLoadAddress, Self.msrArea)
        write(.entryMSRLoadCount, UInt64(entries.count))
    }
}

extension VMXOutcome {
    /// The exit, if this outcome is one.
    var vmExit: VMExit? {
        if case .vmExit(let exit) = self { return exit }
        return nil
    }
}
