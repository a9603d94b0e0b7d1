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

    /// Loads the VM-entry MSR-load area: entries {u32 index, u32 reserved, u64 value}
    /// in order. Entry `i` (0-based) fails the entry with exit 0x80000022 and
    /// qualification `i + 1` when (SDM 26.4 "VM-entry loading MSRs", confirmed from
    /// the SDM text; LNX-NESTED `nested_vmx_load_msr_check`):
    /// - the reserved dword is nonzero;
    /// - the index is IA32_FS_BASE or IA32_GS_BASE (0xC0000100/1);
    /// - bits 31:8 of the index are 0x000008 (x2APIC MSRs);
    /// - the index is IA32_SMM_MONITOR_CTL (0x9B, writable only in SMM);
    /// - WRMSR would #GP: the MSR does not exist or is read-only.
    /// With erratum SKL031 a non-existent MSR shuts the platform down instead.
    /// Entries before the failing one stay loaded. Returns nil when all loaded.
    mutating func loadMSRs(_ vmcs: VMCS, memory: PhysicalMemory) -> VMXOutcome? {
        let base = vmcs[.entryMSRLoadAddress]
        let count = vmcs[.entryMSRLoadCount]
        var i: UInt64 = 0
        while i < count {
            let entry = base + 16 * i
            let index = memory.read32(entry)
            let reserved = memory.read32(entry + 4)
            let value = memory.read64(entry + 8)
            let fail = ExitReason.entryFailureMSRLoading
            if reserved != 0 || index == 0xC000_0100 || index == 0xC000_0101 || index >> 8 == 0x8
                || index == 0x9B
            {
                return exit(fail, qualification: i + 1)
            }
            if !existingMSRs.contains(index) {
                if errata.contains(.skl031) {
                    isShutDown = true
                    return .shutdown
                }
                return exit(fail, qualification: i + 1)
            }
            if readOnlyMSRs.contains(index) || (index == 0x3A && featureControl & 1 == 1) {
                return exit(fail, qualification: i + 1)
            }
            msrValues[index] = value
            i += 1
        }
        return nil
    }
}
