/// A VM-entry check on control fields that failed: VMLAUNCH/VMRESUME then fail with
/// VMfailValid(7). DOMAIN.md §3.6 (BOCHS `VMenterLoadCheckVmControls`, LNX-NESTED
/// `nested_check_vm_execution_controls`, KUT `test_vm_execution_ctls`).
public enum VMEntryControlProblem: Hashable, Sendable, CustomStringConvertible {
    /// A control field is not an allowed setting of its capability MSR.
    case notAllowed(VMCSField)
    /// The CR3-target count exceeds IA32_VMX_MISC[24:16].
    case cr3TargetCount(UInt64)
    /// An enabled bitmap or area address is unaligned or at/above 2^MAXPHYADDR.
    case badAddress(VMCSField, UInt64)
    /// A control requires another control that is 0 (e.g. virtual NMIs without NMI exiting).
    case requires(String)
    /// "Enable EPT" = 1 and the EPTP is invalid.
    case invalidEPTP(EPTP.Problem)
    /// "Enable VPID" = 1 and the VPID is 0.
    case zeroVPID

    public var description: String {
        switch self {
        case .notAllowed(let f): "\(f) is not an allowed setting of its capability MSR"
        case .cr3TargetCount(let n): "CR3-target count \(n) exceeds IA32_VMX_MISC[24:16]"
        case .badAddress(let f, let a):
            "\(f) 0x\(String(a, radix: 16)) is misaligned or beyond MAXPHYADDR"
        case .requires(let what): what
        case .invalidEPTP(let p): "invalid EPTP: \(p)"
        case .zeroVPID: "enable VPID is 1 but the VPID is 0"
        }
    }
}

extension VMXCapabilities {
    /// The first control-field check `vmcs` fails, or nil when VM entry may proceed
    /// past the control checks. Checks run in the SDM's order (26.2.1): execution
    /// controls, then exit controls, then entry controls.
    public func controlProblem(in vmcs: VMCS) -> VMEntryControlProblem? {
        let pin = vmcs.pinBasedControls
        let primary = vmcs.primaryControls
        // Secondary controls are ignored (treated as 0) when primary bit 31 = 0 (§3.6).
        let secondary = vmcs.effectiveSecondaryControls
        if !Self.allows(pin.rawValue, under: effectivePinBased) { return .notAllowed(.pinBasedControls) }
        if !Self.allows(primary.rawValue, under: effectiveProcessorBased) {
            return .notAllowed(.primaryProcessorControls)
        }
        if primary.contains(.activateSecondaryControls)
            && !Self.allows(secondary.rawValue, under: secondaryProcessorBased)
        {
            return .notAllowed(.secondaryProcessorControls)
        }
        if vmcs[.cr3TargetCount] > UInt64(cr3TargetLimit) { return .cr3TargetCount(vmcs[.cr3TargetCount]) }
        // Bitmap addresses are checked only when their control is 1 (KUT `test_vmcs_addr_reference`).
        if primary.contains(.useIOBitmaps) {
            for field in [VMCSField.ioBitmapA, .ioBitmapB] where !isPageAddress(vmcs[field]) {
                return .badAddress(field, vmcs[field])
            }
        }
        if primary.contains(.useMSRBitmaps) && !isPageAddress(vmcs[.msrBitmap]) {
            return .badAddress(.msrBitmap, vmcs[.msrBitmap])
        }
        if pin.contains(.virtualNMIs) && !pin.contains(.nmiExiting) {
            return .requires("virtual NMIs require NMI exiting")
        }
        if primary.contains(.nmiWindowExiting) && !pin.contains(.virtualNMIs) {
            return .requires("NMI-window exiting requires virtual NMIs")
        }
        if secondary.contains(.enableVPID) && vmcs[.vpid] == 0 { return .zeroVPID }
        let ept = secondary.contains(.enableEPT)
        if ept, let problem = EPTP(rawValue: vmcs[.eptPointer]).problem(under: self.ept) {
            return .invalidEPTP(problem)
        }
        let needEPT: [(SecondaryProcessorControls, String)] = [
            (.unrestrictedGuest, "unrestricted guest"), (.enablePML, "PML"),
            (.modeBasedExecuteControl, "mode-based execute control"),
            (.subPageWritePermissions, "sub-page write permissions"),
        ]
        for (control, name) in needEPT where secondary.contains(control) && !ept {
            return .requires("\(name) requires enable EPT")
        }
        if secondary.contains(.enableVMFunctions) {
            let functions = vmcs[.vmFunctionControls]
            if functions & ~vmFunctions != 0 { return .notAllowed(.vmFunctionControls) }
            // EPTP switching needs EPT and a page-aligned in-range EPTP list (§1.7).
            if functions & VMFunctionControls.eptpSwitching.rawValue != 0 {
                if !ept { return .requires("EPTP switching requires enable EPT") }
                if !isPageAddress(vmcs[.eptpListAddress]) {
                    return .badAddress(.eptpListAddress, vmcs[.eptpListAddress])
                }
            }
        }
        // 26.2.1.2: VM-exit controls and the exit MSR-store/load areas.
        if !Self.allows(UInt32(truncatingIfNeeded: vmcs[.exitControls]), under: effectiveExit) {
            return .notAllowed(.exitControls)
        }
        for (address, count) in [(VMCSField.exitMSRStoreAddress, VMCSField.exitMSRStoreCount),
                                 (.exitMSRLoadAddress, .exitMSRLoadCount)]
        where !isMSRArea(vmcs[address], count: vmcs[count]) {
            return .badAddress(address, vmcs[address])
        }
        // 26.2.1.3: VM-entry controls and the entry MSR-load area.
        if !Self.allows(UInt32(truncatingIfNeeded: vmcs[.entryControls]), under: effectiveEntry) {
            return .notAllowed(.entryControls)
        }
        if !isMSRArea(vmcs[.entryMSRLoadAddress], count: vmcs[.entryMSRLoadCount]) {
            return .badAddress(.entryMSRLoadAddress, vmcs[.entryMSRLoadAddress])
        }
        return nil
    }

    /// 4-KiB aligned and below 2^MAXPHYADDR.
    func isPageAddress(_ address: UInt64) -> Bool {
        address & 0xFFF == 0 && isPhysicalAddress(address)
    }

    /// An MSR area of `count` 16-byte entries: checked only when count ≠ 0; bits 3:0
    /// clear and the last byte `address + 16 * count - 1` below 2^MAXPHYADDR
    /// (KUT `test_entry_msr_load`; LNX-NESTED `nested_vmx_check_msr_switch`).
    func isMSRArea(_ address: UInt64, count: UInt64) -> Bool {
        if count == 0 { return true }
        guard address & 0xF == 0, isPhysicalAddress(address) else { return false }
        let (last, overflow) = address.addingReportingOverflow(16 * count - 1)
        return !overflow && isPhysicalAddress(last)
    }
}
