import Platform

/// One run of a hypercall, VM-exit or SMI handler.
struct HandlerCall: Sendable {
    var handler: Handler
    /// `.hypervisor` or `.smm`: whose context runs the handler.
    var context: Principal
    /// Who caused it (the step's actor).
    var caller: Principal
    /// Every parameter (declared, then implicit), missing ones 0.
    var parameters: [String: UInt64]
    var step: Int
    /// What `write` effects write: the attacker's pattern.
    var pattern: BytePattern
}

/// Concrete execution of handler bodies (docs/machine.md, "Handlers"). The effects are a
/// contract with the checker:
/// - `guest E`: the caller's guest-physical address through the caller's current EPT,
///   needing only that the page is present (in SMM, physical); `host E`: physical;
///   `result`: the caller's 8-byte return register;
/// - byte i of an effect of length L is at operand + i (wrapping) for i < min(L, 1 MiB);
///   an address ≥ 2^52 or an unmapped guest page stops the handler;
/// - the hypervisor's own accesses obey the SMRAM rules (reads of closed SMRAM give
///   all-ones, writes are dropped); SMM sees all of DRAM.
extension PlatformMachine {
    /// The most bytes one effect moves (the checker uses the same bound).
    public static let effectLimit: UInt64 = 1 << 20
    /// The largest range one `map` or `give` materialises with 4-KiB leaves (Moat's bound:
    /// 4 GiB, a million leaves; a larger one stops the handler).
    public static let mapLimit: UInt64 = 1 << 32

    /// The parameters of a handler bound to values in order (missing ones 0), followed by
    /// the trigger's implicit parameters.
    static func bind(_ handler: Handler, declared values: [UInt64], implicit: [String: UInt64] = [:]) -> [String: UInt64] {
        var env: [String: UInt64] = [:]
        for (i, name) in handler.parameters.enumerated() { env[name] = i < values.count ? values[i] : 0 }
        for name in handler.trigger.implicitParameters { env[name] = implicit[name] ?? 0 }
        return env
    }

    /// The caller's 8-byte return register, with the provenance of each byte.
    struct ResultRegister {
        var bytes = [UInt8](repeating: 0, count: 8)
        var origins = [ByteOrigin](repeating: .none, count: 8)
    }

    /// Runs a handler to completion or until it stops.
    mutating func run(_ call: HandlerCall) {
        var env = call.parameters
        var result: ResultRegister?
        let title = call.handler.title
        note(call.step, "\(call.context) runs \(title) for \(name(call.caller)) with \(describe(call))")
        let end = execute(call.handler.body, call, env: &env, result: &result)
        if case .stopped(let why) = end { note(call.step, "\(title) stops: \(why)") }
        if let result {
            observe(call.caller, step: call.step, bytes: result.bytes, origins: result.origins, source: nil, how: "the result of \(title)")
            note(call.step, "\(title) returns \(hex(littleEndian(result.bytes)))")
        }
    }

    private func describe(_ call: HandlerCall) -> String {
        let names = call.handler.allParameters
        guard !names.isEmpty else { return "no parameters" }
        return names.map { "\($0) = \(hex(call.parameters[$0] ?? 0))" }.joined(separator: ", ")
    }

    enum HandlerEnd {
        case finished
        case stopped(String)
    }

    private mutating func execute(_ body: [Statement], _ call: HandlerCall, env: inout [String: UInt64],
                                  result: inout ResultRegister?) -> HandlerEnd {
        for statement in body {
            switch statement.kind {
            case .require(let condition):
                if !evaluator.condition(condition, env) {
                    return .stopped("require \(condition) is false")
                }
            case .assign(let name, let value):
                env[name] = evaluator.value(value, env)
            case .conditional(let condition, let then, let otherwise):
                var inner = env
                let end = execute(evaluator.condition(condition, env) ? then : otherwise, call, env: &inner, result: &result)
                if case .stopped = end { return end }
            case .effect(let effect):
                if case .stopped(let why) = perform(effect, call, env: env, result: &result) {
                    return .stopped(why)
                }
            }
        }
        return .finished
    }

    // MARK: - Operands

    enum Place {
        case memory(UInt64)
        case register(Int)
    }

    /// A resolved operand: guest-physical or host-physical base, or the result register.
    enum OperandAddress {
        case guest(UInt64)
        case host(UInt64)
        case result
    }

    func resolve(_ operand: Operand, _ env: [String: UInt64]) -> OperandAddress {
        switch operand {
        case .guest(let e): .guest(evaluator.value(e, env))
        case .host(let e): .host(evaluator.value(e, env))
        case .result: .result
        }
    }

    /// Where byte `i` of an operand lives, or why the handler stops.
    func locate(_ target: OperandAddress, _ i: UInt64, _ call: HandlerCall, cache: inout [UInt64: UInt64])
        -> Result<Place, StepRefusal>
    {
        switch target {
        case .result:
            return .success(.register(Int(i)))
        case .host(let base):
            let a = base &+ i
            guard a < PhysicalMemory.limit else { return .failure(StepRefusal("host address \(hex(a)) is at or above 2^52")) }
            return .success(.memory(a))
        case .guest(let base):
            let a = base &+ i
            guard a < PhysicalMemory.limit else { return .failure(StepRefusal("guest address \(hex(a)) is at or above 2^52")) }
            if call.context == .smm { return .success(.memory(a)) }  // SMM: guest addresses are physical
            let page = a & ~0xFFF
            if let frame = cache[page] { return .success(.memory(frame | (a & 0xFFF))) }
            guard let hpa = softwareTranslate(call.caller, page) else {
                return .failure(StepRefusal("guest-physical \(hex(a)) is not mapped for \(name(call.caller))"))
            }
            cache[page] = hpa
            return .success(.memory(hpa | (a & 0xFFF)))
        }
    }

    func agent(of call: HandlerCall) -> Agent { call.context == .smm ? .smm : .cpu }

    // MARK: - Effects

    private mutating func perform(_ effect: Effect, _ call: HandlerCall, env: [String: UInt64],
                                  result: inout ResultRegister?) -> HandlerEnd {
        switch effect {
        case .copy(let from, let to, let length):
            return move(from: resolve(from, env), to: resolve(to, env), length: evaluator.value(length, env),
                        call, result: &result, what: "copies")
        case .leakUninitialised(let region, let length, let to):
            let base = platform.region(named: region)?.base ?? 0
            return move(from: .host(base), to: resolve(to, env), length: evaluator.value(length, env),
                        call, result: &result, what: "leaks stale bytes of \(region):")
        case .write(let to, let length):
            return move(from: nil, to: resolve(to, env), length: evaluator.value(length, env), call, result: &result,
                        what: "writes the attacker's pattern:")
        case .map(let principal, let gpa, let size, let hpa, let rights):
            return map(principal ?? call.caller, gpa: evaluator.value(gpa, env), size: evaluator.value(size, env),
                       hpa: evaluator.value(hpa, env), rights: rights, call)
        case .unmap(let principal, let gpa, let size):
            return unmap(principal ?? call.caller, gpa: evaluator.value(gpa, env), size: evaluator.value(size, env), call)
        case .setProtection(let target, let gpa, let size, let rights):
            return setProtection(target, gpa: evaluator.value(gpa, env), size: evaluator.value(size, env), rights: rights, call)
        case .give(let region, let to, let gpa, let rights):
            return give(region, to: to, gpa: evaluator.value(gpa, env), rights: rights, call)
        case .call(let target):
            return callOut(evaluator.value(target, env), call)
        case .shutdown:
            shutDown(call.step, "\(call.handler.title) shuts the platform down")
            return .stopped("shutdown")
        case .returnValue(let value):
            let v = evaluator.value(value, env)
            result = ResultRegister(bytes: Self.bytes(v, count: 8))
            return .finished
        }
    }

    /// Copies (or, with `from` nil, writes the attacker's pattern) byte by byte, forward. A
    /// copied byte keeps its source's provenance; a written one is the attacker's.
    ///
    /// Runs of bytes that stay within one page on both sides, touch neither SMRAM nor SMRR
    /// and do not overlap forward move at once, which is the same as byte by byte.
    private mutating func move(from source: OperandAddress?, to destination: OperandAddress, length: UInt64, _ call: HandlerCall,
                               result: inout ResultRegister?, what: String) -> HandlerEnd {
        let count = min(length, Self.effectLimit)
        var sourceCache: [UInt64: UInt64] = [:]
        var destinationCache: [UInt64: UInt64] = [:]
        var written: [UInt8] = []
        var writtenOrigins: [ByteOrigin] = []
        var firstDestination: UInt64?
        var blockedNote: String?
        var stop: String?
        let agent = agent(of: call)
        var i: UInt64 = 0
        copying: while i < count {
            var from: Place?
            if let source {
                switch locate(source, i, call, cache: &sourceCache) {
                case .failure(let refusal):
                    stop = refusal.reason
                    break copying
                case .success(let place):
                    from = place
                }
            }
            let to: Place
            switch locate(destination, i, call, cache: &destinationCache) {
            case .failure(let refusal):
                stop = refusal.reason
                break copying
            case .success(let place):
                to = place
            }
            if case .memory(let d) = to, let (n, readBlocked, writeBlocked) = run(from, d, count - i, agent) {
                var bytes: [UInt8]
                var labels: [ByteOrigin]
                if case .memory(let a) = from {
                    if let readBlocked {
                        blockedNote = blockedNote ?? readBlocked
                        bytes = [UInt8](repeating: 0xFF, count: n)
                        labels = [ByteOrigin](repeating: .none, count: n)
                    } else {
                        bytes = memory.readBytes(a, count: n)
                        labels = origins.origins(a, count: n)
                    }
                } else {
                    bytes = call.pattern.bytes(at: d, count: n)
                    labels = [ByteOrigin](repeating: .attacker, count: n)
                }
                if let writeBlocked {
                    blockedNote = blockedNote ?? writeBlocked
                } else {
                    memory.writeBytes(bytes, at: d)
                    origins.set(d, to: labels)
                }
                if firstDestination == nil { firstDestination = d }
                written += bytes
                writtenOrigins += labels
                i += UInt64(n)
                continue
            }
            if case .register(let k) = to, k >= 8 {
                // Past the 8-byte register the bytes go nowhere; only a source that ends stops the
                // effect, and a source page is present or not as a whole.
                if case .memory(let a) = from {
                    i = min(count, i + 0x1000 - (a & 0xFFF))
                } else {
                    i = count
                }
                continue
            }
            let (byte, origin) = moveByte(from, to, call, &result, agent, &blockedNote)
            if case .memory(let d) = to, firstDestination == nil { firstDestination = d }
            written.append(byte)
            writtenOrigins.append(origin)
            i += 1
        }
        note(call.step, "\(call.handler.title) \(what) \(i) of \(hex(length)) bytes\(source.map { " from \(describe($0))" } ?? "") to \(describe(destination))")
        if let blockedNote { note(call.step, "\(call.handler.title): \(blockedNote)") }
        if let first = firstDestination, !written.isEmpty, callerCanRead(call, destination: destination, hpa: first) {
            observe(call.caller, step: call.step, bytes: written, origins: writtenOrigins, source: nil,
                    how: "\(call.handler.title)'s \(source == nil ? "write" : "copy") to \(describe(destination))")
        }
        return stop.map { .stopped($0) } ?? .finished
    }

    /// A run from `from` (memory, or nil for the pattern) to memory at `to` that may move at
    /// once — within one page on both sides, on one side of every SMRAM and SMRR edge (so
    /// that the SMRAM rules treat all its bytes alike), without a forward overlap — with why
    /// its reads or writes are blocked; nil when the next byte must move alone.
    private func run(_ from: Place?, _ to: UInt64, _ left: UInt64, _ agent: Agent) -> (Int, String?, String?)? {
        var n = min(left, 0x1000 - (to & 0xFFF), distanceToEdge(to))
        var readBlocked: String?
        switch from {
        case .register:
            return nil
        case .memory(let a):
            n = min(n, 0x1000 - (a & 0xFFF), distanceToEdge(a))
            if a < to && to - a < n { return nil }  // a forward overlap repeats bytes
            readBlocked = blocked(a, by: agent, write: false)
        case nil:
            break
        }
        return (Int(n), readBlocked, blocked(to, by: agent, write: true))
    }

    /// The bytes from `a` to the next edge of SMRAM or SMRR (whose rules may differ across it).
    private func distanceToEdge(_ a: UInt64) -> UInt64 {
        var edges: [UInt64] = []
        if let smram = chipset.smram { edges += [smram.base, smram.end] }
        if let smrr = chipset.smrr { edges += [smrr.base, smrr.base &+ smrr.size] }
        return edges.filter { $0 > a }.map { $0 - a }.min() ?? UInt64.max
    }

    /// Moves one byte: reads it from `from` (the pattern when nil), writes it to `to` (when
    /// not nil) and returns it with its provenance.
    private mutating func moveByte(_ from: Place?, _ to: Place?, _ call: HandlerCall, _ result: inout ResultRegister?, _ agent: Agent,
                                   _ blockedNote: inout String?) -> (UInt8, ByteOrigin) {
        var byte: UInt8 = 0
        var origin: ByteOrigin = .attacker
        switch from {
        case nil:
            switch to {
            case .register(let k): byte = call.pattern.byte(k)
            case .memory(let a): byte = call.pattern.byte(at: a)
            case nil: break
            }
        case .register(let k):
            byte = k < 8 ? (result?.bytes[k] ?? 0) : 0
            origin = k < 8 ? (result?.origins[k] ?? .none) : .none
        case .memory(let a):
            if let why = blocked(a, by: agent, write: false) {
                blockedNote = blockedNote ?? why
                byte = 0xFF
                origin = .none
            } else {
                byte = memory.read8(a)
                origin = origins.origin(at: a)
            }
        }
        switch to {
        case .register(let k):
            if k < 8 {
                var r = result ?? ResultRegister()
                r.bytes[k] = byte
                r.origins[k] = origin
                result = r
            }
        case .memory(let a):
            if let why = blocked(a, by: agent, write: true) {
                blockedNote = blockedNote ?? why
            } else {
                memory.write8(byte, at: a)
                origins.set(a, to: origin)
            }
        case nil:
            break
        }
        return (byte, origin)
    }

    private func describe(_ target: OperandAddress) -> String {
        switch target {
        case .guest(let a): "guest \(hex(a))"
        case .host(let a): "host \(platform.describe(hpa: a))"
        case .result: "the result"
        }
    }

    /// Whether the bytes a handler deposited at `hpa` are the caller's to read: the caller's
    /// current translation lets it read that address.
    private mutating func callerCanRead(_ call: HandlerCall, destination: OperandAddress, hpa: UInt64) -> Bool {
        if case .guest(let gpa) = destination, call.context != .smm {
            if case .success(let reached) = translate(call.caller, gpa, access: .read) { return reached == hpa }
            return false
        }
        if call.caller == .hypervisor || call.caller == .smm { return true }
        return reverseTranslate(call.caller, hpa, access: .read) != nil
    }

    private static func aligned(_ values: UInt64...) -> Bool { values.allSatisfy { $0 & 0xFFF == 0 } }

    private mutating func map(_ principal: Principal, gpa: UInt64, size: UInt64, hpa: UInt64, rights: Permissions,
                              _ call: HandlerCall) -> HandlerEnd {
        let title = call.handler.title
        guard Self.aligned(gpa, size, hpa), size > 0, gpa >> 48 == 0, size <= (1 << 48) - gpa,
              hpa < PhysicalMemory.limit, size <= PhysicalMemory.limit - hpa
        else {
            note(call.step, "\(title): map of \(hex(gpa)) size \(hex(size)) → \(hex(hpa)) has no effect (not 4-KiB aligned, empty or out of range)")
            return .finished
        }
        guard size <= Self.mapLimit else {
            return .stopped("map of \(hex(size)) bytes exceeds the machine's bound of \(hex(Self.mapLimit)) per map")
        }
        do {
            if case .device(let d) = principal {
                guard var tables = devices[d]?.tables else { return .stopped("device '\(d)' has no IOMMU tables to map into") }
                try tables.set(gpa, size: size, to: EPTTables.Target(hpa: hpa, permissions: Self.ept(rights.intersection([.read, .write]))), in: &memory)
                devices[d]!.tables = tables
            } else {
                guard processors[principal] != nil else { return .stopped("\(principal) has no EPT to map into") }
                try addLayer(Layer(gpa: gpa, size: size, hpa: hpa, permissions: rights, pageSize: .size4K), to: principal)
            }
        } catch {
            return .stopped("\(error)")
        }
        note(call.step, "\(title) maps guest-physical [\(hex(gpa)), \(hex(gpa + size))) of \(name(principal)) to \(platform.describe(hpa: hpa)) \(rights)")
        return .finished
    }

    private mutating func unmap(_ principal: Principal, gpa: UInt64, size: UInt64, _ call: HandlerCall) -> HandlerEnd {
        guard Self.aligned(gpa, size), size > 0, gpa >> 48 == 0, size <= (1 << 48) - gpa else {
            note(call.step, "\(call.handler.title): unmap of \(hex(gpa)) size \(hex(size)) has no effect (not 4-KiB aligned, empty or out of range)")
            return .finished
        }
        do {
            if case .device(let d) = principal {
                guard var tables = devices[d]?.tables else { return .finished }
                try tables.set(gpa, size: size, to: nil, in: &memory)
                devices[d]!.tables = tables
            } else {
                try addLayer(Layer(gpa: gpa, size: size, hpa: nil, permissions: [], pageSize: .size4K), to: principal)
            }
        } catch {
            return .stopped("\(error)")
        }
        note(call.step, "\(call.handler.title) unmaps guest-physical [\(hex(gpa)), \(hex(gpa + size))) of \(name(principal))")
        return .finished
    }

    /// HvCallModifyVtlProtectionMask: only a higher VTL of the same partition may restrict
    /// a lower one (TLFS "a VTL can only place protections on a lower VTL"; DOMAIN.md §6.3).
    private mutating func setProtection(_ target: Principal, gpa: UInt64, size: UInt64, rights: Permissions,
                                        _ call: HandlerCall) -> HandlerEnd {
        let title = call.handler.title
        guard case .vtl(let callerPartition, let callerLevel) = call.caller,
              case .vtl(let targetPartition, let targetLevel) = target,
              callerPartition == targetPartition, callerLevel > targetLevel
        else {
            note(call.step, "\(title): set-protection of \(target) by \(call.caller) is refused (only a higher VTL of the same partition may restrict a lower one)")
            return .finished
        }
        guard let range = Self.pageRounded(gpa: gpa, size: size) else {
            note(call.step, "\(title): set-protection of an empty or out-of-range range has no effect")
            return .finished
        }
        do {
            try addProtection(Protection(gpa: range.gpa, size: range.size, permissions: rights, setter: callerLevel), to: target)
        } catch {
            return .stopped("\(error)")
        }
        note(call.step, "\(title): \(call.caller) restricts guest-physical [\(hex(range.gpa)), \(hex(range.gpa + range.size))) of \(target) to \(rights)")
        return .finished
    }

    /// Frees a region from its owner's mappings and hands it to a principal, scrubbed
    /// only when the hypervisor scrubs on free (XSA-100).
    private mutating func give(_ regionName: String, to principal: Principal, gpa: UInt64, rights: Permissions,
                               _ call: HandlerCall) -> HandlerEnd {
        let title = call.handler.title
        guard let region = platform.region(named: regionName) else { return .stopped("no region '\(regionName)'") }
        guard Self.aligned(region.base, region.size, gpa), gpa >> 48 == 0, region.size <= (1 << 48) - gpa else {
            note(call.step, "\(title): give of \(regionName) at \(hex(gpa)) has no effect (not 4-KiB aligned or out of range)")
            return .finished
        }
        guard region.size <= Self.mapLimit else {
            return .stopped("give of \(hex(region.size)) bytes exceeds the machine's bound of \(hex(Self.mapLimit))")
        }
        do {
            if let owner = region.owner, let processor = processors[owner] {
                for layer in processor.layers {
                    guard let hpa = layer.hpa, hpa < region.end, region.base < hpa + layer.size else { continue }
                    let low = max(hpa, region.base)
                    let high = min(hpa + layer.size, region.end)
                    try addLayer(Layer(gpa: layer.gpa + (low - hpa), size: high - low, hpa: nil, permissions: [],
                                       pageSize: .size4K), to: owner)
                }
            }
            if platform.hypervisor.scrubOnFree {
                memory.fillPeriodic(region.base, count: region.size, pattern: 0)
                origins.set(region.base, count: region.size, to: .none)
            }
            givenAway.insert(regionName)
            try addLayer(Layer(gpa: gpa, size: region.size, hpa: region.base, permissions: rights, pageSize: .size4K), to: principal)
        } catch {
            return .stopped("\(error)")
        }
        note(call.step, "\(title) gives \(regionName) (\(platform.hypervisor.scrubOnFree ? "scrubbed" : "not scrubbed")) to \(name(principal)) at guest-physical \(hex(gpa)) \(rights)")
        return .finished
    }

    /// Transfers control to host-physical `target` in the handler's context. In SMM with
    /// SMM_CODE_CHK_EN, a target outside SMRR is a machine check (DOMAIN.md §5.3).
    private mutating func callOut(_ target: UInt64, _ call: HandlerCall) -> HandlerEnd {
        guard target < PhysicalMemory.limit else { return .stopped("call target \(hex(target)) is at or above 2^52") }
        if call.context == .smm && chipset.codeCheck && !chipset.inSMMCodeRange(target) {
            shutDown(call.step, "SMM_CODE_CHK_EN: SMM executed \(platform.describe(hpa: target)) outside SMRR (\(call.handler.title)): machine check")
            return .stopped("machine check")
        }
        execute(call.context, step: call.step, hpa: target, userMode: false, how: "call from \(call.handler.title)")
        return .finished
    }

    func littleEndian(_ bytes: [UInt8]) -> UInt64 {
        bytes.prefix(8).enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
    }
}
