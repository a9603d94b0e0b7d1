/// An IN/INS/OUT/OUTS instruction as the guest executes it.
public struct IOInstruction: Hashable, Sendable {
    /// The port number.
    public var port: UInt16
    /// The access size in bytes: 1, 2 or 4.
    public var size: Int
    /// True for IN/INS, false for OUT/OUTS.
    public var isIn: Bool
    /// INS/OUTS.
    public var isString: Bool
    /// With a REP prefix.
    public var isRep: Bool
    /// The port is an immediate operand (not DX).
    public var hasImmediatePort: Bool

    /// Describes an I/O instruction; `size` must be 1, 2 or 4.
    public init(port: UInt16, size: Int, isIn: Bool, isString: Bool = false, isRep: Bool = false,
                hasImmediatePort: Bool = false) {
        precondition(size == 1 || size == 2 || size == 4, "I/O access size must be 1, 2 or 4")
        self.port = port
        self.size = size
        self.isIn = isIn
        self.isString = isString
        self.isRep = isRep
        self.hasImmediatePort = hasImmediatePort
    }

    /// The exit qualification of reason 30 (DOMAIN.md §4.1; KUT `VMX_IO_*`): bits 2:0
    /// size − 1, bit 3 direction (1 = IN), bit 4 string, bit 5 REP, bit 6 immediate,
    /// bits 31:16 port.
    public var exitQualification: UInt64 {
        UInt64(size - 1) | (isIn ? 1 << 3 : 0) | (isString ? 1 << 4 : 0) | (isRep ? 1 << 5 : 0)
            | (hasImmediatePort ? 1 << 6 : 0) | (UInt64(port) << 16)
    }
}

/// Guest instructions in VMX non-root operation and the VM exits they cause.
/// Each requires the processor to be in non-root operation (a precondition).
extension VMXCPU {
    private func requireGuest() {
        precondition(mode == .nonRoot, "guest instructions need VMX non-root operation")
    }

    /// IN/OUT/INS/OUTS: exits with reason 30 when the I/O controls and bitmaps say so
    /// (``IOBitmaps/ioExits(port:size:controls:in:)``), otherwise runs natively.
    public mutating func guestIO(_ io: IOInstruction, memory: PhysicalMemory) -> VMXOutcome {
        if isShutDown { return .shutdown }
        requireGuest()
        let vmcs = self.vmcs
        let bitmaps = IOBitmaps(bitmapA: vmcs[.ioBitmapA], bitmapB: vmcs[.ioBitmapB])
        if bitmaps.ioExits(port: io.port, size: io.size, controls: vmcs.primaryControls, in: memory) {
            return exit(.ioInstruction, qualification: io.exitQualification)
        }
        return .completed
    }

    /// RDMSR: exits with reason 31 when the MSR bitmap says so (§4.2), otherwise
    /// reads natively (#GP for a missing MSR).
    public mutating func guestRDMSR(_ msr: UInt32, memory: PhysicalMemory) -> VMXOutcome {
        if isShutDown { return .shutdown }
        requireGuest()
        let vmcs = self.vmcs
        if MSRBitmap(address: vmcs[.msrBitmap]).msrExits(msr, write: false, controls: vmcs.primaryControls, in: memory) {
            return exit(.rdmsr)
        }
        guard existingMSRs.contains(msr) else { return .generalProtection }
        return .value(msrValues[msr] ?? capabilities.msr(msr) ?? 0)
    }

    /// WRMSR: exits with reason 32 when the MSR bitmap says so (§4.2), otherwise
    /// writes natively (#GP for a missing or read-only MSR).
    public mutating func guestWRMSR(_ msr: UInt32, value: UInt64, memory: PhysicalMemory) -> VMXOutcome {
        if isShutDown { return .shutdown }
        requireGuest()
        let vmcs = self.vmcs
        if MSRBitmap(address: vmcs[.msrBitmap]).msrExits(msr, write: true, controls: vmcs.primaryControls, in: memory) {
            return exit(.wrmsr)
        }
        guard existingMSRs.contains(msr), !readOnlyMSRs.contains(msr) else { return .generalProtection }
        msrValues[msr] = value
        return .completed
    }

    /// CPUID: always exits in non-root operation (reason 10).
    public mutating func guestCPUID() -> VMXOutcome {
        if isShutDown { return .shutdown }
        requireGuest()
        return exit(.cpuid)
    }

    /// A guest memory access to `gpa`: with "enable EPT" it goes through the EPT walk
    /// of the current EPTP (MBEC per secondary bit 22) and an EPT violation (48) or
    /// misconfiguration (49) becomes a VM exit with the GPA in 0x2400; without EPT
    /// the GPA is the host-physical address.
    ///
    /// - Parameters:
    ///   - linear: how the access relates to a guest-linear address (qualification bits 7–8).
    ///   - guestLinearAddress: stored in 0x640A on a violation when `linear` is not `.none`.
    public mutating func guestAccess(
        _ gpa: UInt64, access: EPTAccess, linear: EPTLinearAddressInfo = .none,
        guestLinearAddress: UInt64 = 0, memory: inout PhysicalMemory
    ) -> VMXOutcome {
        if isShutDown { return .shutdown }
        requireGuest()
        let vmcs = self.vmcs
        let secondary = vmcs.effectiveSecondaryControls
        guard secondary.contains(.enableEPT) else { return .translated(hpa: gpa) }
        let walker: EPTWalker
        do {
            walker = try EPTWalker(
                eptp: EPTP(rawValue: vmcs[.eptPointer]), capabilities: capabilities.ept,
                modeBasedExecute: secondary.contains(.modeBasedExecuteControl))
        } catch {
            preconditionFailure("the current EPTP became invalid after VM entry: \(error)")
        }
        switch walker.walk(gpa, access: access, linear: linear, in: &memory) {
        case .translated(let hpa, _):
            return .translated(hpa: hpa)
        case .violation(let qualification, let gpa):
            return exit(
                VMExit(reason: .eptViolation, qualification: qualification, guestPhysicalAddress: gpa),
                guestLinearAddress: linear == .none ? nil : guestLinearAddress)
        case .misconfiguration(let gpa):
            return exit(VMExit(reason: .eptMisconfiguration, guestPhysicalAddress: gpa))
        }
    }

    /// VMFUNC with EAX = `function` and ECX = `index` (DOMAIN.md §1.7, BOCHS `vmfunc.cc`):
    /// #UD outside non-root, without "enable VM functions", or for EAX ≥ 64; VM exit
    /// 59 when the function is not enabled in the VM-function controls. Leaf 0 (EPTP
    /// switching): ECX ≥ 512 or an invalid EPTP-list entry → VM exit 59; otherwise the
    /// EPTP and the EPTP index (0x0004) are replaced and the guest continues.
    public mutating func vmfunc(function: UInt32, index: UInt32, memory: PhysicalMemory) -> VMXOutcome {
        if isShutDown { return .shutdown }
        guard mode == .nonRoot, currentVMCS?.effectiveSecondaryControls.contains(.enableVMFunctions) == true,
              function < 64
        else { return .undefinedOpcode }
        let vmcs = self.vmcs
        guard vmcs[.vmFunctionControls] >> UInt64(function) & 1 == 1, function == 0, index < 512 else {
            return exit(.vmfunc)
        }
        let candidate = memory.read64(vmcs[.eptpListAddress] + 8 * UInt64(index))
        guard EPTP(rawValue: candidate).isValid(under: capabilities.ept) else { return exit(.vmfunc) }
        self.vmcs[.eptPointer] = candidate
        self.vmcs[.eptpIndex] = UInt64(index)
        return .completed
    }
}
