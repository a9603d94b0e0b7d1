import Platform

/// VMFUNC, VMWRITE to a shadow VMCS, and the VM exit and VM entry of a re-entry.
extension PlatformMachine {
    /// VMFUNC leaf 0 (EPTP switching, DOMAIN.md §1.7; BOCHS `vmfunc.cc`): #UD without
    /// "enable VM functions"; VM exit 59 without the EPTP-switching VM-function control,
    /// for an index ≥ 512 or an invalid list entry; otherwise the EPTP becomes entry
    /// `index` of the EPTP list in memory.
    mutating func vmfunc(_ actor: Principal, index listIndex: UInt32, _ index: Int) throws(StepRefusal) {
        let p = try processor(actor, for: "execute VMFUNC")
        let vmcs = vmcs(of: p)
        guard vmcs.effectiveSecondaryControls.contains(.enableVMFunctions) else {
            throw StepRefusal("VMFUNC by \(name(actor)) raises #UD: its VMCS does not enable VM functions")
        }
        guard vmcs[.vmFunctionControls] & VMFunctionControls.eptpSwitching.rawValue != 0 else {
            throw StepRefusal("VMFUNC 0 by \(name(actor)) exits (reason 59): EPTP switching is not enabled in its VM-function controls")
        }
        guard listIndex < 512 else { throw StepRefusal("VMFUNC 0 with index \(listIndex) ≥ 512 exits (reason 59)") }
        let entry = vmcs[.eptpListAddress] &+ 8 * UInt64(listIndex)
        guard PhysicalMemory.isValid(address: entry, count: 8) else { throw StepRefusal("the EPTP-list entry \(hex(entry)) passes 2^52") }
        let candidate = EPTP(rawValue: memory.read64(entry))
        if let problem = candidate.problem(under: cpu.capabilities.ept) {
            throw StepRefusal("VMFUNC 0 with index \(listIndex) exits (reason 59): the list entry \(hex(candidate.rawValue)) at \(platform.describe(hpa: entry)) is not a valid EPTP (\(problem))")
        }
        cpu.vmcsData[p.vmcs]![.eptPointer] = candidate.rawValue
        cpu.vmcsData[p.vmcs]![.eptpIndex] = UInt64(listIndex)
        note(index, "\(name(actor)) switches to EPTP \(hex(candidate.rawValue)) (EPTP-list entry \(listIndex))")
    }

    /// Whether a field's bit in a VMREAD/VMWRITE bitmap is clear (it passes through).
    private func passesThrough(_ field: UInt32, bitmap: UInt64) -> Bool {
        guard field >> 15 == 0 else { return false }  // encodings above bit 14 always exit
        let address = bitmap &+ UInt64(field >> 3)
        guard PhysicalMemory.isValid(address: address) else { return false }
        return memory.read8(address) >> UInt8(field & 7) & 1 == 0
    }

    /// VMWRITE in VMX non-root with VMCS shadowing: a field whose VMWRITE-bitmap bit is
    /// clear is written to the shadow VMCS (the link pointer) without a VM exit.
    mutating func vmwrite(_ actor: Principal, field: UInt32, value: UInt64, _ index: Int) throws(StepRefusal) {
        let p = try processor(actor, for: "execute VMWRITE")
        let vmcs = vmcs(of: p)
        guard vmcs.effectiveSecondaryControls.contains(.vmcsShadowing) else {
            throw StepRefusal("VMWRITE by \(name(actor)) exits (reason 25): its VMCS does not enable VMCS shadowing")
        }
        guard passesThrough(field, bitmap: vmcs[.vmwriteBitmap]) else {
            throw StepRefusal("VMWRITE of \(VMCSField(rawValue: field)) by \(name(actor)) exits (reason 25): its VMWRITE-bitmap bit is set")
        }
        let shadow = vmcs[.vmcsLinkPointer]
        guard shadow != ~0, cpu.vmcsData[shadow] != nil else {
            throw StepRefusal("VMWRITE by \(name(actor)) fails with VMfailInvalid: no shadow VMCS (link pointer \(hex(shadow)))")
        }
        let f = VMCSField(rawValue: field)
        guard f.isSupported else { throw StepRefusal("VMWRITE of \(f) fails with VMfailValid(12): unsupported VMCS component") }
        if f.isReadOnly && !cpu.capabilities.allowsVMWRITEToExitInformation {
            throw StepRefusal("VMWRITE of \(f) fails with VMfailValid(13): read-only VMCS component")
        }
        cpu.vmcsData[shadow]![f] = value
        note(index, "\(name(actor)) writes \(hex(value)) to \(f) of its shadow VMCS")
    }

    /// A VM exit and VM entry of the actor: the exit stores and loads the exit MSR areas
    /// (a failure is a VMX abort, which shuts the processor down: BOCHS `VMabort`); the
    /// hypervisor copies the shadow fields the VMWRITE bitmap passes through into the
    /// guest's VMCS (Moat's semantics of VMCS shadowing); the entry runs the checks of
    /// ``VMXCPU/vmresume(memory:)`` and loads the entry MSR-load area (SKL031: a
    /// non-existent MSR shuts the platform down; otherwise the entry fails with 0x80000022).
    mutating func reenter(_ actor: Principal, _ index: Int) throws(StepRefusal) {
        let p = try processor(actor, for: "be re-entered")
        var vmcs = vmcs(of: p)
        note(index, "\(name(actor)) exits to the hypervisor, which re-enters it")
        switch cpu.storeMSRArea(base: vmcs[.exitMSRStoreAddress], count: vmcs[.exitMSRStoreCount], memory: &memory) {
        case .loaded: break
        case .failed(let i): return vmxAbort(p, code: 0, "storing entry \(i + 1) of the VM-exit MSR-store area failed", index)
        case .shutdown: return shutDown(index, "SKL031: the VM exit stored a non-existent MSR")
        }
        switch cpu.loadMSRArea(base: vmcs[.exitMSRLoadAddress], count: vmcs[.exitMSRLoadCount], memory: memory) {
        case .loaded: break
        case .failed(let i): return vmxAbort(p, code: 3, "loading entry \(i + 1) of the VM-exit MSR-load area failed", index)
        case .shutdown: return shutDown(index, "SKL031: the VM exit loaded a non-existent MSR")
        }
        let shadow = vmcs[.vmcsLinkPointer]
        if vmcs.effectiveSecondaryControls.contains(.vmcsShadowing), shadow != ~0, let data = cpu.vmcsData[shadow] {
            for (field, value) in data.fields.sorted(by: { $0.key < $1.key })
            where passesThrough(field.rawValue, bitmap: vmcs[.vmwriteBitmap]) && vmcs[field] != value {
                vmcs[field] = value
                note(index, "the hypervisor copies \(field) = \(hex(value)) from the shadow VMCS")
            }
            cpu.vmcsData[p.vmcs] = vmcs
        }
        let loaded = cpu.vmptrld(p.vmcs, memory: memory)
        guard loaded == .succeed else {
            throw StepRefusal("the hypervisor's VMPTRLD of \(name(actor))'s VMCS fails: \(loaded)")
        }
        let outcome = vmcs.launchState == .launched ? cpu.vmresume(memory: &memory) : cpu.vmlaunch(memory: &memory)
        cpu.mode = .root
        switch outcome {
        case .guestEntered:
            note(index, "VM entry of \(name(actor)) succeeds")
        case .shutdown:
            let area = vmcs[.entryMSRLoadAddress]
            let indices = (0..<min(vmcs[.entryMSRLoadCount], 512)).map { memory.read32(area &+ 16 * $0) }
            let missing = indices.first { !cpu.existingMSRs.contains($0) }
            shutDown(index, "SKL031: the VM entry of \(name(actor)) loads non-existent MSR \(hex(UInt64(missing ?? 0))) from its MSR-load area")
        case .failValid(let error):
            let detail = error == .entryInvalidControls ? cpu.capabilities.controlProblem(in: vmcs).map { ": \($0)" } ?? "" : ""
            throw StepRefusal("the VM entry of \(name(actor)) fails with VMfailValid(\(error.rawValue))\(detail)")
        case .vmExit(let exit) where exit.reason == .entryFailureMSRLoading:
            let entry = vmcs[.entryMSRLoadAddress] &+ 16 * (exit.qualification - 1)
            throw StepRefusal("the VM entry of \(name(actor)) fails with exit 0x80000022 (MSR loading), qualification \(exit.qualification): MSR \(hex(UInt64(memory.read32(entry)))) cannot be loaded")
        default:
            throw StepRefusal("the VM entry of \(name(actor)) fails: \(outcome)")
        }
    }

    /// A VMX abort: the abort indicator (offset 4 of the VMCS region) gets the code and the
    /// logical processor shuts down (SDM 27.7; BOCHS `VMabort`).
    private mutating func vmxAbort(_ p: VirtualProcessor, code: UInt32, _ why: String, _ index: Int) {
        memory.write32(code, at: p.vmcs + 4)
        shutDown(index, "VMX abort \(code) on the VM exit of \(name(p.principal)): \(why)")
    }
}
