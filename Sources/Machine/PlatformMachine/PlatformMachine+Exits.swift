import Platform

/// Guest instructions that exit to the hypervisor or run natively, decided by the VMCS
/// and the bitmaps as they are in memory now (DOMAIN.md §4).
extension PlatformMachine {
    /// The hypervisor's handler for a trigger that a caller may invoke.
    private func hypervisorHandler(_ actor: Principal, _ what: String, matching: (Trigger) -> Bool) throws(StepRefusal) -> Handler {
        guard let handler = platform.hypervisor.handlers.first(where: { matching($0.trigger) }) else {
            throw StepRefusal("\(what), but the hypervisor has no handler for it")
        }
        guard handler.callers.isEmpty || handler.callers.contains(actor) else {
            throw StepRefusal("\(what), but \(handler.title) accepts only \(handler.callers.map(name).joined(separator: ", "))")
        }
        return handler
    }

    private static func direction(_ direction: Trigger.Direction, allows write: Bool) -> Bool {
        direction == .both || (direction == .write) == write
    }

    // MARK: - VMCALL

    mutating func hypercall(_ actor: Principal, number: UInt64, arguments: [UInt64], _ index: Int,
                            _ pattern: BytePattern) throws(StepRefusal) {
        _ = try processor(actor, for: "execute VMCALL in VMX non-root")
        let handler = try hypervisorHandler(actor, "VMCALL \(hex(number)) exits (reason 18)") { $0 == .hypercall(number) }
        note(index, "\(name(actor)) executes VMCALL \(hex(number)): VM exit 18")
        run(HandlerCall(handler: handler, context: .hypervisor, caller: actor,
                        parameters: Self.bind(handler, declared: arguments), step: index, pattern: pattern))
    }

    // MARK: - I/O

    mutating func io(_ actor: Principal, port: UInt32, size: UInt32, value: UInt64, write: Bool, _ index: Int,
                     _ pattern: BytePattern) throws(StepRefusal) {
        guard [1, 2, 4].contains(size) else { throw StepRefusal("an I/O access has 1, 2 or 4 bytes, not \(size)") }
        guard port <= 0xFFFF else { throw StepRefusal("port \(hex(UInt64(port))) is beyond 0xFFFF") }
        let instruction = write ? "OUT" : "IN"
        switch actor {
        case .vtl:
            let p = try processor(actor, for: "execute \(instruction)")
            if ioExits(p, port: port, size: size) {
                let what = "\(instruction) \(hex(UInt64(port))) by \(name(actor)) exits (reason 30)"
                let handler = try hypervisorHandler(actor, what) {
                    if case .io(let low, let high, let direction) = $0 { return low <= port && port <= high && Self.direction(direction, allows: write) }
                    return false
                }
                note(index, what)
                run(HandlerCall(handler: handler, context: .hypervisor, caller: actor,
                                parameters: Self.bind(handler, declared: [], implicit: ["port": UInt64(port), "size": UInt64(size), "value": value]),
                                step: index, pattern: pattern))
                return
            }
            nativeIO(actor, port: port, size: size, value: value, write: write, index, pattern)
        case .hypervisor, .smm:
            nativeIO(actor, port: port, size: size, value: value, write: write, index, pattern)
        case .device:
            throw StepRefusal("device '\(actor)' does not execute I/O instructions")
        }
    }

    /// Whether an I/O access of a VTL exits, from its VMCS controls and the I/O bitmaps in memory.
    func ioExits(_ p: VirtualProcessor, port: UInt32, size: UInt32) -> Bool {
        let vmcs = vmcs(of: p)
        let bitmaps = IOBitmaps(bitmapA: vmcs[.ioBitmapA], bitmapB: vmcs[.ioBitmapB])
        return bitmaps.ioExits(port: UInt16(port), size: Int(size), controls: vmcs.primaryControls, in: memory)
    }

    /// I/O that reaches the chipset: OUT to 0xB2 raises a software SMI; 0xCF8/0xCFC are
    /// PCI configuration mechanism #1 (SMRAMC at 0:0:0 offset 0x9D).
    private mutating func nativeIO(_ actor: Principal, port: UInt32, size: UInt32, value: UInt64, write: Bool,
                                   _ index: Int, _ pattern: BytePattern) {
        note(index, "\(name(actor)) executes \(write ? "OUT" : "IN") \(hex(UInt64(port))) natively")
        let apm = Layout.apmControlPort
        if write, port <= apm, apm < port + size {
            let number = UInt8(truncatingIfNeeded: value >> UInt64(8 * (apm - port)))
            if actor == .smm {
                note(index, "an SMI raised in SMM stays pending (SMIs are blocked in SMM)")
            } else {
                raiseSMI(number, by: actor, registerArguments: [], index, pattern)
            }
            return
        }
        if port == Layout.pciConfigAddress && size == 4 {
            if write {
                chipset.configAddress = UInt32(truncatingIfNeeded: value)
            } else {
                observe(actor, step: index, values: Self.bytes(UInt64(chipset.configAddress), count: 4), how: "IN 0xCF8")
            }
            return
        }
        let data = Layout.pciConfigData
        guard port >= data, port + size <= data + 4 else { return }
        let address = chipset.configAddress
        // Enable bit 31, bus 0, device 0, function 0 (the host bridge).
        guard address & 0x8000_0000 != 0, address & 0x00FF_FF00 == 0 else { return }
        var read: [UInt8] = []
        for i in 0..<size {
            let offset = (address & 0xFC) + (port - data) + i
            let byte = UInt8(truncatingIfNeeded: value >> UInt64(8 * i))
            if offset == 0x9D {
                if write { writeSMRAMC(byte, index) } else { read.append(chipset.smramc) }
            } else if !write {
                read.append(0xFF)
            }
        }
        if !write { observe(actor, step: index, values: read, how: "IN \(hex(UInt64(port)))") }
    }

    /// A write to SMRAMC as the Intel MCH (QEMU `mch_update_smram`) treats it: D_OPEN,
    /// D_CLS, D_LCK and G_SMRAME are writable until D_LCK is set; setting D_LCK forces
    /// D_OPEN to 0 and leaves only D_CLS writable until reset (DOMAIN.md §5.1).
    private mutating func writeSMRAMC(_ value: UInt8, _ index: Int) {
        let before = chipset.smramc
        let writable: UInt8 = chipset.isLocked ? 1 << 5 : (Chipset.dOpen | 1 << 5 | Chipset.dLock | Chipset.globalEnable)
        chipset.smramc = (chipset.smramc & ~writable) | (value & writable)
        if chipset.isLocked { chipset.smramc &= ~Chipset.dOpen }
        note(index, "SMRAMC \(hex(UInt64(before))) → \(hex(UInt64(chipset.smramc)))\(chipset.isLocked ? " (D_LCK: D_OPEN forced 0, read-only)" : chipset.isOpen ? " (D_OPEN: SMRAM visible outside SMM)" : "")")
    }

    static func bytes(_ value: UInt64, count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: value >> UInt64(8 * $0)) }
    }

    // MARK: - RDMSR / WRMSR

    mutating func msrAccess(_ actor: Principal, msr: UInt32, value: UInt64, write: Bool, _ index: Int,
                            _ pattern: BytePattern) throws(StepRefusal) {
        let instruction = write ? "WRMSR" : "RDMSR"
        switch actor {
        case .vtl:
            let p = try processor(actor, for: "execute \(instruction)")
            let vmcs = vmcs(of: p)
            if MSRBitmap(address: vmcs[.msrBitmap]).msrExits(msr, write: write, controls: vmcs.primaryControls, in: memory) {
                let what = "\(instruction) \(hex(UInt64(msr))) by \(name(actor)) exits (reason \(write ? 32 : 31))"
                let handler = try hypervisorHandler(actor, what) {
                    if case .msr(let low, let high, let direction) = $0 { return low <= msr && msr <= high && Self.direction(direction, allows: write) }
                    return false
                }
                note(index, what)
                run(HandlerCall(handler: handler, context: .hypervisor, caller: actor,
                                parameters: Self.bind(handler, declared: [], implicit: ["msr": UInt64(msr), "value": value]),
                                step: index, pattern: pattern))
                return
            }
            try nativeMSR(actor, msr: msr, value: value, write: write, inSMM: false, index)
        case .hypervisor:
            try nativeMSR(actor, msr: msr, value: value, write: write, inSMM: false, index)
        case .smm:
            try nativeMSR(actor, msr: msr, value: value, write: write, inSMM: true, index)
        case .device:
            throw StepRefusal("device '\(actor)' does not execute \(instruction)")
        }
    }

    /// RDMSR/WRMSR on the processor: #GP for a missing MSR, a read-only one, the SMRR
    /// MSRs and SMM_FEATURE_CONTROL outside SMM (DOMAIN.md §5.2–5.3), a locked one.
    private mutating func nativeMSR(_ actor: Principal, msr: UInt32, value: UInt64, write: Bool, inSMM: Bool,
                                    _ index: Int) throws(StepRefusal) {
        let what = "\(write ? "WRMSR" : "RDMSR") \(hex(UInt64(msr))) by \(name(actor))"
        guard cpu.existingMSRs.contains(msr) else { throw StepRefusal("\(what) raises #GP: the MSR does not exist") }
        if !inSMM && (msr == 0x1F2 || msr == 0x1F3) {
            throw StepRefusal("\(what) raises #GP: the SMRR MSRs are accessible only in SMM")
        }
        guard write else {
            let v = cpu.msrValues[msr] ?? cpu.capabilities.msr(msr) ?? 0
            observe(actor, step: index, values: Self.bytes(v, count: 8), how: "RDMSR \(hex(UInt64(msr)))")
            note(index, "\(what) reads \(hex(v))")
            return
        }
        if cpu.readOnlyMSRs.contains(msr) { throw StepRefusal("\(what) raises #GP: the MSR is read-only") }
        if msr == 0x4E0 && (!inSMM || (cpu.msrValues[0x4E0] ?? 0) & 1 != 0) {
            throw StepRefusal("\(what) raises #GP: SMM_FEATURE_CONTROL is writable only in SMM and only until LOCK is set")
        }
        if msr == 0x3A && (cpu.msrValues[0x3A] ?? cpu.featureControl) & 1 != 0 {
            throw StepRefusal("\(what) raises #GP: IA32_FEATURE_CONTROL is locked")
        }
        cpu.msrValues[msr] = value
        note(index, "\(what) writes \(hex(value))")
        if msr == 0x1F2 || msr == 0x1F3 {
            let base = cpu.msrValues[0x1F2] ?? 0
            let mask = cpu.msrValues[0x1F3] ?? 0
            chipset.smrr = mask & 1 << 11 != 0
                ? (base & 0xFFFF_F000, (~(mask & 0xFFFF_F000) & 0xFFFF_FFFF) + 1) : nil
        }
        if let smram = chipset.smram, (Layout.mtrrPhysBase0...0x21F).contains(msr) || msr == 0x2FF {
            note(index, "SMRAM's memory type is now \(Self.memoryTypeName(memoryType(smram.base)))")
        }
    }

    static func memoryTypeName(_ type: UInt8) -> String {
        switch type {
        case 0: "UC"
        case 1: "WC"
        case 4: "WT"
        case 5: "WP"
        case 6: "WB (write-back: outside SMM, writes to SMRAM land in the cache)"
        default: "type \(type)"
        }
    }

    // MARK: - CPUID, MMIO

    mutating func cpuid(_ actor: Principal, leaf: UInt32, subleaf: UInt32, _ index: Int, _ pattern: BytePattern) throws(StepRefusal) {
        _ = try processor(actor, for: "cause a CPUID exit")
        let what = "CPUID \(hex(UInt64(leaf))) by \(name(actor)) exits (reason 10)"
        let handler = try hypervisorHandler(actor, what) { $0 == .cpuid }
        note(index, what)
        run(HandlerCall(handler: handler, context: .hypervisor, caller: actor,
                        parameters: Self.bind(handler, declared: [], implicit: ["leaf": UInt64(leaf), "subleaf": UInt64(subleaf)]),
                        step: index, pattern: pattern))
    }

    mutating func mmio(_ actor: Principal, gpa: UInt64, size: UInt32, value: UInt64, write: Bool, _ index: Int,
                       _ pattern: BytePattern) throws(StepRefusal) {
        let p = try processor(actor, for: "access emulated MMIO")
        guard eptEnabled(p) else { throw StepRefusal("\(name(actor))'s VMCS does not enable EPT: \(hex(gpa)) is host-physical and no EPT violation exits") }
        if case .success(let hpa) = translate(actor, gpa, access: write ? .write : .read) {
            throw StepRefusal("\(hex(gpa)) is mapped for \(name(actor)) (to \(platform.describe(hpa: hpa))): the access does not exit")
        }
        let what = "the \(write ? "write" : "read") of \(hex(gpa)) by \(name(actor)) exits (EPT violation)"
        let handler = try hypervisorHandler(actor, what) {
            if case .mmio(let base, let length, let direction) = $0 { return gpa >= base && gpa - base < length && Self.direction(direction, allows: write) }
            return false
        }
        guard case .mmio(let base, _, _) = handler.trigger else { return }
        note(index, what)
        run(HandlerCall(handler: handler, context: .hypervisor, caller: actor,
                        parameters: Self.bind(handler, declared: [], implicit: ["gpa": gpa, "offset": gpa - base, "size": UInt64(size), "value": value]),
                        step: index, pattern: pattern))
    }
}
