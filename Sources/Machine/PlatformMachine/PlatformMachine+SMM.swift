import Platform

/// Software SMIs (DOMAIN.md §5.4–5.5): an OUT to port 0xB2 that reaches the chipset
/// enters SMM with no VM exit; SMM runs the SMI handler, then executes its entry point
/// at SMBASE + 0x8000, and RSM returns to the interrupted context.
extension PlatformMachine {
    /// The `smi` step: the actor fills the handler's communication buffer through its own
    /// translation, then writes the SMI number to port 0xB2, which must not exit.
    mutating func smi(_ actor: Principal, number: UInt8, arguments: [UInt64], _ index: Int,
                      _ pattern: BytePattern) throws(StepRefusal) {
        guard let smm = platform.smm else { throw StepRefusal("the platform declares no SMM") }
        let handler = smm.handlers.first { $0.trigger == .smi(number) }
        if let comm = handler?.commBuffer, let region = platform.region(named: comm) {
            for (i, argument) in arguments.enumerated() {
                let hpa = region.base &+ Layout.commBufferParameterStride &* UInt64(i)
                guard PhysicalMemory.isValid(address: hpa, count: 8) else { throw StepRefusal("comm-buffer slot \(hex(hpa)) passes 2^52") }
                for byteAddress in [hpa, hpa + 7] where reverseTranslate(actor, byteAddress, access: .write) == nil {
                    throw StepRefusal("\(name(actor)) has no writable translation of the communication buffer \(comm) at \(platform.describe(hpa: byteAddress))")
                }
                if let blocked = writePhysical(Self.bytes(argument, count: 8), at: hpa, agent: Self.agent(of: actor), origin: .attacker) {
                    throw StepRefusal(blocked)
                }
            }
            if !arguments.isEmpty { note(index, "\(name(actor)) writes \(arguments.map { hex($0) }.joined(separator: ", ")) into \(comm)") }
        }
        switch actor {
        case .vtl:
            let p = try processor(actor, for: "write port 0xB2")
            if ioExits(p, port: Layout.apmControlPort, size: 1) {
                throw StepRefusal("OUT 0xB2 by \(name(actor)) exits to the hypervisor (reason 30): no SMI reaches the chipset")
            }
        case .hypervisor:
            break
        case .smm:
            throw StepRefusal("SMM cannot raise an SMI: SMIs are blocked in SMM")
        case .device:
            throw StepRefusal("device '\(actor)' does not execute OUT")
        }
        note(index, "\(name(actor)) executes OUT 0xB2, \(hex(UInt64(number))) natively")
        raiseSMI(number, by: actor, registerArguments: arguments, index, pattern)
    }

    /// Enters SMM for software SMI `number` (no VM exit under the default treatment):
    /// the SMI handler runs with its parameters from the communication buffer (or from
    /// registers when it has none), then SMM executes SMBASE + 0x8000, SMBASE being the
    /// base of SMRAM (``Layout/smmEntryOffset``). With SMM_CODE_CHK_EN an entry point
    /// outside SMRR is a machine check.
    mutating func raiseSMI(_ number: UInt8, by actor: Principal, registerArguments: [UInt64], _ index: Int,
                           _ pattern: BytePattern) {
        guard let smm = platform.smm else {
            note(index, "SMI \(hex(UInt64(number))): the platform declares no SMM")
            return
        }
        note(index, "SMI \(hex(UInt64(number))): the processor enters SMM (no VM exit)")
        if let handler = smm.handlers.first(where: { $0.trigger == .smi(number) }) {
            if handler.callers.isEmpty || handler.callers.contains(actor) {
                var values = registerArguments
                if let comm = handler.commBuffer, let region = platform.region(named: comm) {
                    values = (0..<handler.parameters.count).map { i in
                        let at = region.base &+ Layout.commBufferParameterStride &* UInt64(i)
                        return PhysicalMemory.isValid(address: at, count: 8) ? memory.read64(at) : 0
                    }
                }
                run(HandlerCall(handler: handler, context: .smm, caller: actor,
                                parameters: Self.bind(handler, declared: values), step: index, pattern: pattern))
            } else {
                note(index, "\(handler.title) ignores the SMI: it accepts only \(handler.callers.map(name).joined(separator: ", "))")
            }
        } else {
            note(index, "SMM has no handler for SMI \(hex(UInt64(number)))")
        }
        guard shutdown == nil, let smram = chipset.smram else { return }
        let entry = smram.base &+ Layout.smmEntryOffset
        if chipset.codeCheck && !chipset.inSMMCodeRange(entry) {
            shutDown(index, "SMM_CODE_CHK_EN: the SMM entry point \(platform.describe(hpa: entry)) lies outside SMRR: machine check")
            return
        }
        execute(.smm, step: index, hpa: entry, userMode: false, how: "the SMM entry point (SMBASE + 0x8000)")
        note(index, "RSM returns to \(name(actor))")
    }
}
