import Platform

extension TextReport {
    /// A step in the platform's words, with the regions its addresses fall in.
    public func describe(_ step: Step, platform: Platform) -> String {
        let actor = platform.displayName(step.actor)
        let at = { (hpa: UInt64) in platform.describe(hpa: hpa) }
        switch step.action {
        case .access(let access, let gpa, let hpa, let user):
            let verb = access == .read ? "reads" : access == .write ? "writes" : "executes"
            return "\(actor) \(verb) guest-physical \(hex(gpa)) → host-physical \(at(hpa))\(user ? " as a user-mode page" : "")"
        case .dma(let access, let address, let hpa):
            return "device \(actor) DMA-\(access == .read ? "reads" : "writes") bus address \(hex(address)) → host-physical \(at(hpa))"
        case .store(let gpa, let hpa, let value):
            return "\(actor) stores \(hex(value)) at guest-physical \(hex(gpa)) → host-physical \(at(hpa))"
        case .remap(let target, let gpa, let hpa, let rights):
            let whose = target == step.actor ? "its own" : "\(platform.displayName(target))'s"
            return "\(actor) rewrites \(whose) \(target.partition == nil ? "IOMMU" : "EPT") entry so that \(hex(gpa)) maps host-physical \(at(hpa)) with \(rights)"
        case .hypercall(let number, let arguments):
            let name = platform.hypervisor.handlers.first { $0.trigger == .hypercall(number) }.flatMap(\.name).map { " \"\($0)\"" } ?? ""
            return "\(actor) calls hypercall \(hex(number))\(name)(\(arguments.map(hex).joined(separator: ", ")))"
        case .io(let port, let size, let value, let write):
            return write
                ? "\(actor) writes \(hex(value)) to I/O port \(hex(UInt64(port))) (\(size) byte\(size == 1 ? "" : "s"))"
                : "\(actor) reads \(size) byte\(size == 1 ? "" : "s") from I/O port \(hex(UInt64(port)))"
        case .msr(let index, let value, let write):
            return write ? "\(actor) writes \(hex(value)) to MSR \(hex(UInt64(index)))" : "\(actor) reads MSR \(hex(UInt64(index)))"
        case .cpuid(let leaf, let subleaf):
            return "\(actor) executes CPUID leaf \(hex(UInt64(leaf))) subleaf \(hex(UInt64(subleaf)))"
        case .mmio(let gpa, let size, let value, let write):
            return write
                ? "\(actor) writes \(hex(value)) (\(size) bytes) to emulated MMIO at guest-physical \(hex(gpa))"
                : "\(actor) reads \(size) bytes of emulated MMIO at guest-physical \(hex(gpa))"
        case .smi(let number, let arguments):
            return "\(actor) raises software SMI \(hex(UInt64(number))) through port 0xb2\(arguments.isEmpty ? "" : " with comm-buffer arguments (\(arguments.map(hex).joined(separator: ", ")))")"
        case .vmfunc(let index):
            return "\(actor) switches EPT with VMFUNC to EPTP-list entry \(index)"
        case .vmwrite(let field, let value):
            return "\(actor) VMWRITEs \(hex(value)) to shadow-VMCS field \(hex(UInt64(field)))"
        case .reenter:
            return "\(actor) causes a VM exit and is re-entered"
        case .flipPageSize(let gpa):
            return "\(actor) changes the page size of code it runs from guest-physical \(hex(gpa))"
        }
    }
}
