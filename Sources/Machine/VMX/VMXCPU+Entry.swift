/// VMLAUNCH and VMRESUME: the VM-entry checks in the order of DOMAIN.md §3.5 /
/// §8.4 (BOCHS `VMLAUNCH`, LNX-NESTED `nested_vmx_run`):
/// 1. no current VMCS, or a shadow VMCS → VMfailInvalid;
/// 2. blocking by MOV SS → VMfailValid(26);
/// 3. launch state: VMLAUNCH needs clear (4), VMRESUME needs launched (5);
/// 4. control fields → VMfailValid(7) (``VMXCapabilities/controlProblem(in:)``);
/// 5. host state → 8 (not modelled);
/// 6. guest state: the VMCS link pointer → VM exit 0x80000021, qualification 4;
/// 7. MSR loading → VM exit 0x80000022, qualification = 1-based failing entry.
extension VMXCPU {
    /// VMLAUNCH of the current VMCS.
    public mutating func vmlaunch(memory: inout PhysicalMemory) -> VMXOutcome {
        enter(launch: true, memory: &memory)
    }

    /// VMRESUME of the current VMCS.
    public mutating func vmresume(memory: inout PhysicalMemory) -> VMXOutcome {
        enter(launch: false, memory: &memory)
    }

    private mutating func enter(launch: Bool, memory: inout PhysicalMemory) -> VMXOutcome {
        if let outcome = rootPrologue(exitReason: launch ? .vmlaunch : .vmresume) { return outcome }
        // A shadow VMCS as current gives VMfailInvalid, not ZF (§3.5).
        guard let pointer = currentVMCSPointer, let vmcs = vmcsData[pointer], !vmcs.isShadow else {
            return .failInvalid
        }
        if blockedByMovSS { return vmfail(.entryBlockedByMovSS) }
        if launch && vmcs.launchState != .clear { return vmfail(.vmlaunchNonClear) }
        if !launch && vmcs.launchState != .launched { return vmfail(.vmresumeNonLaunched) }
        if capabilities.controlProblem(in: vmcs) != nil { return vmfail(.entryInvalidControls) }
        // Guest-state checks: only the VMCS link pointer is modelled (SDM 26.3.1.5).
        if !isValidLinkPointer(vmcs, current: pointer, memory: memory) {
            return exit(ExitReason.entryFailureGuestState, qualification: EntryFailureQualification.vmcsLinkPointer)
        }
        if let outcome = loadMSRs(vmcs, memory: memory) { return outcome }
        vmcsData[pointer]!.launchState = .launched
        mode = .nonRoot
        return .guestEntered
    }

    /// The VMCS-link-pointer checks (DOMAIN.md §3.5; BOCHS `vmx.cc`; LNX-NESTED
    /// `nested_vmx_check_vmcs_link_ptr`): all ones passes; otherwise 4-KiB aligned,
    /// below MAXPHYADDR, revision bits 30:0 equal to ours, bit 31 set when "VMCS
    /// shadowing" is 1, and not the current VMCS.
    func isValidLinkPointer(_ vmcs: VMCS, current: UInt64, memory: PhysicalMemory) -> Bool {
        let link = vmcs[.vmcsLinkPointer]
        if link == ~0 { return true }
        guard link & 0xFFF == 0, capabilities.isPhysicalAddress(link), link != current else { return false }
        let word = VMCSRegion.revisionWord(at: link, in: memory)
        if word & 0x7FFF_FFFF != capabilities.revision { return false }
        if vmcs.effectiveSecondaryControls.contains(.vmcsShadowing) && word >> 31 == 0 { return false }
        return true
    }

    /// Loads the VM-entry MSR-load area (see ``loadMSRArea(base:count:memory:)``):
    /// a failing entry `i` (0-based) fails the entry with exit 0x80000022 and
    /// qualification `i + 1`; with erratum SKL031 a non-existent MSR shuts the platform
    /// down instead. Returns nil when all loaded.
    mutating func loadMSRs(_ vmcs: VMCS, memory: PhysicalMemory) -> VMXOutcome? {
        switch loadMSRArea(base: vmcs[.entryMSRLoadAddress], count: vmcs[.entryMSRLoadCount], memory: memory) {
        case .loaded: return nil
        case .failed(let i): return exit(ExitReason.entryFailureMSRLoading, qualification: i + 1)
        case .shutdown: return .shutdown
        }
    }

    /// What loading an MSR area did.
    enum MSRAreaResult: Hashable, Sendable {
        /// Every entry was loaded.
        case loaded
        /// Entry `i` (0-based) could not be loaded; the entries before it stay loaded.
        case failed(UInt64)
        /// Erratum SKL031: a non-existent MSR shut the platform down.
        case shutdown
    }

    /// Loads an MSR area of `count` entries {u32 index, u32 reserved, u64 value} in
    /// order. Entry `i` fails (SDM 26.4 "VM-entry loading MSRs" and 27.6 for VM exits,
    /// confirmed from the SDM text; LNX-NESTED `nested_vmx_load_msr_check`) when:
    /// - the reserved dword is nonzero;
    /// - the index is IA32_FS_BASE or IA32_GS_BASE (0xC0000100/1);
    /// - bits 31:8 of the index are 0x000008 (x2APIC MSRs);
    /// - the index is IA32_SMM_MONITOR_CTL (0x9B, writable only in SMM);
    /// - WRMSR would #GP: the MSR does not exist or is read-only.
    /// With erratum SKL031 a non-existent MSR shuts the platform down instead.
    mutating func loadMSRArea(base: UInt64, count: UInt64, memory: PhysicalMemory) -> MSRAreaResult {
        var i: UInt64 = 0
        while i < count {
            let entry = base &+ 16 &* i
            guard PhysicalMemory.isValid(address: entry, count: 16) else { return .failed(i) }
            let index = memory.read32(entry)
            let reserved = memory.read32(entry + 4)
            let value = memory.read64(entry + 8)
            if reserved != 0 || index == 0xC000_0100 || index == 0xC000_0101 || index >> 8 == 0x8
                || index == 0x9B
            {
                return .failed(i)
            }
            if !existingMSRs.contains(index) {
                if errata.contains(.skl031) {
                    isShutDown = true
                    return .shutdown
                }
                return .failed(i)
            }
            if readOnlyMSRs.contains(index) || (index == 0x3A && featureControl & 1 == 1) {
                return .failed(i)
            }
            msrValues[index] = value
            i += 1
        }
        return .loaded
    }

    /// Stores the current values of the MSRs an MSR-store area names into its value
    /// fields (VM exit, SDM 27.4). Entry `i` fails when its reserved dword is nonzero,
    /// the MSR does not exist, or it is IA32_SMBASE (0x9E, LNX-NESTED
    /// `nested_vmx_store_msr_check`) or an x2APIC MSR.
    mutating func storeMSRArea(base: UInt64, count: UInt64, memory: inout PhysicalMemory) -> MSRAreaResult {
        var i: UInt64 = 0
        while i < count {
            let entry = base &+ 16 &* i
            guard PhysicalMemory.isValid(address: entry, count: 16) else { return .failed(i) }
            let index = memory.read32(entry)
            if memory.read32(entry + 4) != 0 || index == 0x9E || index >> 8 == 0x8 || !existingMSRs.contains(index) {
                if errata.contains(.skl031) && !existingMSRs.contains(index) {
                    isShutDown = true
                    return .shutdown
                }
                return .failed(i)
            }
            memory.write64(msrValues[index] ?? capabilities.msr(index) ?? 0, at: entry + 8)
            i += 1
        }
        return .loaded
    }
}
