/// VMXON, VMXOFF, VMCLEAR, VMPTRLD, VMPTRST, VMREAD, VMWRITE and VMCALL
/// (DOMAIN.md §3.5; SDM Vol. 3C ch. 31 "VMX Instruction Reference"; BOCHS; XTF
/// `tests/nested-vmx/vmxon.c`; KUT `test_vmxon`, `test_vmclear`, `test_vmptrld`).
extension VMXCPU {
    /// VMXON with the physical address `pointer` of the VMXON region.
    ///
    /// CR4.VMXE = 0 → #UD at any CPL; in non-root → VM exit 27; outside VMX: CPL > 0
    /// or IA32_FEATURE_CONTROL lock/VMX-outside-SMX clear → #GP(0); pointer unaligned,
    /// beyond MAXPHYADDR, or a region whose revision differs or has bit 31 set →
    /// VMfailInvalid; in root: CPL > 0 → #GP(0), else VMfail(15).
    public mutating func vmxon(_ pointer: UInt64, memory: PhysicalMemory) -> VMXOutcome {
        if isShutDown { return .shutdown }
        guard cr4VMXE else { return .undefinedOpcode }
        switch mode {
        case .nonRoot:
            return exit(.vmxon)
        case .root:
            return cpl > 0 ? .generalProtection : vmfail(.vmxonInRoot)
        case .outside:
            if cpl > 0 { return .generalProtection }
            // KUT `test_vmx_feature_control`: lock (bit 0) and VMX outside SMX (bit 2) required.
            if featureControl & 0x5 != 0x5 { return .generalProtection }
            guard pointer & 0xFFF == 0, capabilities.isPhysicalAddress(pointer) else { return .failInvalid }
            let revision = VMCSRegion.revisionWord(at: pointer, in: memory)
            guard revision == capabilities.revision else { return .failInvalid }  // also rejects bit 31
            mode = .root
            vmxonPointer = pointer
            currentVMCSPointer = nil
            return .succeed
        }
    }

    /// VMXOFF: leaves VMX operation.
    public mutating func vmxoff() -> VMXOutcome {
        if let outcome = rootPrologue(exitReason: .vmxoff) { return outcome }
        mode = .outside
        vmxonPointer = nil
        currentVMCSPointer = nil
        return .succeed
    }

    /// VMCLEAR of the VMCS at `pointer`: error 2 if unaligned or beyond MAXPHYADDR,
    /// 3 if it is the VMXON pointer; otherwise its launch state becomes clear, and if
    /// it was current there is no current VMCS any more.
    public mutating func vmclear(_ pointer: UInt64) -> VMXOutcome {
        if let outcome = rootPrologue(exitReason: .vmclear) { return outcome }
        guard pointer & 0xFFF == 0, capabilities.isPhysicalAddress(pointer) else {
            return vmfail(.vmclearInvalidAddress)
        }
        if pointer == vmxonPointer { return vmfail(.vmclearVMXONPointer) }
        vmcsData[pointer, default: VMCS()].launchState = .clear
        if pointer == currentVMCSPointer { currentVMCSPointer = nil }
        return .succeed
    }

    /// VMPTRLD of the VMCS at `pointer`: error 9 if unaligned or beyond MAXPHYADDR,
    /// 10 if it is the VMXON pointer, 11 if the region's revision differs (or has
    /// bit 31 set without VMCS-shadowing support). A region never seen before starts clear.
    public mutating func vmptrld(_ pointer: UInt64, memory: PhysicalMemory) -> VMXOutcome {
        if let outcome = rootPrologue(exitReason: .vmptrld) { return outcome }
        guard pointer & 0xFFF == 0, capabilities.isPhysicalAddress(pointer) else {
            return vmfail(.vmptrldInvalidAddress)
        }
        if pointer == vmxonPointer { return vmfail(.vmptrldVMXONPointer) }
        let word = VMCSRegion.revisionWord(at: pointer, in: memory)
        let shadow = word >> 31 == 1
        guard word & 0x7FFF_FFFF == capabilities.revision, !shadow || capabilities.supportsVMCSShadowing else {
            return vmfail(.vmptrldBadRevision)
        }
        vmcsData[pointer, default: VMCS()].isShadow = shadow
        currentVMCSPointer = pointer
        return .succeed
    }

    /// VMPTRST: the current-VMCS pointer, all ones when there is none.
    public mutating func vmptrst() -> VMXOutcome {
        if let outcome = rootPrologue(exitReason: .vmptrst) { return outcome }
        return .value(currentVMCSPointer ?? ~0)
    }

    /// VMREAD of `field` from the current VMCS: VMfailInvalid without a current VMCS,
    /// error 12 for an unsupported encoding.
    public mutating func vmread(_ field: VMCSField) -> VMXOutcome {
        if let outcome = rootPrologue(exitReason: .vmread) { return outcome }
        guard let vmcs = currentVMCS else { return .failInvalid }
        guard field.isSupported else { return vmfail(.unsupportedComponent) }
        return .value(vmcs[field])
    }

    /// VMWRITE of `value` to `field` of the current VMCS: VMfailInvalid without a
    /// current VMCS, error 12 for an unsupported encoding, 13 for a VM-exit
    /// information field unless IA32_VMX_MISC[29] = 1.
    public mutating func vmwrite(_ field: VMCSField, _ value: UInt64) -> VMXOutcome {
        if let outcome = rootPrologue(exitReason: .vmwrite) { return outcome }
        guard let pointer = currentVMCSPointer else { return .failInvalid }
        guard field.isSupported else { return vmfail(.unsupportedComponent) }
        if field.isReadOnly && !capabilities.allowsVMWRITEToExitInformation {
            return vmfail(.vmwriteReadOnly)
        }
        vmcsData[pointer, default: VMCS()][field] = value
        return .succeed
    }

    /// VMCALL: #UD outside VMX operation, VM exit 18 in non-root; in root #GP(0)
    /// at CPL > 0, else VMfail(1), because this model has no dual-monitor treatment
    /// (IA32_SMM_MONITOR_CTL valid bit clear; SDM VMCALL pseudo-code).
    public mutating func vmcall() -> VMXOutcome {
        if isShutDown { return .shutdown }
        switch mode {
        case .outside: return .undefinedOpcode
        case .nonRoot: return exit(.vmcall)
        case .root: return cpl > 0 ? .generalProtection : vmfail(.vmcallInRoot)
        }
    }
}
