import Platform

extension JSONReport {
    /// One attack step: the actor, the kind of action, its text as the text report prints it,
    /// and the action's operands (addresses and values as `0x` hexadecimal strings).
    struct StepEntry: Encodable {
        var actor: String
        var action: String
        var text: String
        var access: String?
        var address: String?
        var hpa: String?
        var region: String?
        var target: String?
        var permissions: String?
        var number: String?
        var arguments: [String]?
        var port: String?
        var index: String?
        var value: String?
        var size: Int?
        var write: Bool?
        var userMode: Bool?

        init(_ step: Step, platform: Platform) {
            actor = platform.displayName(step.actor)
            text = TextReport().describe(step, platform: platform)
            var host: UInt64?
            switch step.action {
            case .access(let a, let gpa, let h, let user):
                action = "access"; access = a.rawValue; address = hex(gpa); host = h; userMode = user
            case .dma(let a, let bus, let h):
                action = "dma"; access = a.rawValue; address = hex(bus); host = h
            case .store(let gpa, let h, let v):
                action = "store"; address = hex(gpa); host = h; value = hex(v)
            case .remap(let t, let gpa, let h, let rights):
                action = "remap"; target = platform.displayName(t); address = hex(gpa); host = h; permissions = rights.description
            case .hypercall(let n, let args):
                action = "hypercall"; number = hex(n); arguments = args.map(hex)
            case .io(let p, let s, let v, let w):
                action = "io"; port = hex(UInt64(p)); size = Int(s); value = hex(v); write = w
            case .msr(let i, let v, let w):
                action = "msr"; index = hex(UInt64(i)); value = hex(v); write = w
            case .cpuid(let leaf, let subleaf):
                action = "cpuid"; index = hex(UInt64(leaf)); value = hex(UInt64(subleaf))
            case .mmio(let gpa, let s, let v, let w):
                action = "mmio"; address = hex(gpa); size = Int(s); value = hex(v); write = w
            case .smi(let n, let args):
                action = "smi"; number = hex(UInt64(n)); arguments = args.map(hex)
            case .vmfunc(let i):
                action = "vmfunc"; index = String(i)
            case .vmwrite(let f, let v):
                action = "vmwrite"; index = hex(UInt64(f)); value = hex(v)
            case .reenter:
                action = "reenter"
            case .flipPageSize(let gpa):
                action = "flip-page-size"; address = hex(gpa)
            }
            if let host {
                hpa = hex(host)
                region = platform.region(containing: host)?.name
            }
        }
    }
}
