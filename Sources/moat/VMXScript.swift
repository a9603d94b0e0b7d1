import Machine
import Platform

/// The script language of `moat vmx run`: one command per line, `#` starts a comment,
/// numbers are decimal or `0x` hexadecimal.
///
/// Settings: `revision N`, `maxphyaddr N`, `capability MSR VALUE`, `vmxe on|off`,
/// `cpl N`, `feature-control VALUE`, `erratum skl031`, `msr-exists INDEX`,
/// `quad ADDRESS VALUE`, `vmcs-region ADDRESS [shadow]`, `mov-ss on|off`.
/// VMX instructions: `vmxon A`, `vmxoff`, `vmclear A`, `vmptrld A`, `vmptrst`,
/// `vmread FIELD`, `vmwrite FIELD VALUE`, `vmlaunch`, `vmresume`, `vmcall`, `vmfunc EAX ECX`.
/// Guest instructions: `in PORT SIZE`, `out PORT SIZE`, `rdmsr MSR`, `wrmsr MSR VALUE`,
/// `cpuid`, `read GPA`, `write GPA`, `fetch GPA [user]`.
struct VMXScript {
    struct Line {
        var number: Int
        var text: String
        var command: VMXCommand
    }

    var lines: [Line] = []

    static let usage: [String: String] = [
        "revision": "revision N", "maxphyaddr": "maxphyaddr N", "capability": "capability MSR VALUE",
        "vmxe": "vmxe on|off", "cpl": "cpl N", "feature-control": "feature-control VALUE", "erratum": "erratum skl031",
        "msr-exists": "msr-exists INDEX", "quad": "quad ADDRESS VALUE", "vmcs-region": "vmcs-region ADDRESS [shadow]",
        "mov-ss": "mov-ss on|off", "vmxon": "vmxon ADDRESS", "vmxoff": "vmxoff", "vmclear": "vmclear ADDRESS",
        "vmptrld": "vmptrld ADDRESS", "vmptrst": "vmptrst", "vmread": "vmread FIELD", "vmwrite": "vmwrite FIELD VALUE",
        "vmlaunch": "vmlaunch", "vmresume": "vmresume", "vmcall": "vmcall", "vmfunc": "vmfunc EAX ECX",
        "in": "in PORT SIZE", "out": "out PORT SIZE", "rdmsr": "rdmsr MSR", "wrmsr": "wrmsr MSR VALUE", "cpuid": "cpuid",
        "read": "read GPA", "write": "write GPA", "fetch": "fetch GPA [user]",
    ]

    init(_ text: String, file: String) throws(Diagnostic) {
        let raw = text.split(separator: "\n", omittingEmptySubsequences: false)
        for line in InputLine.lines(of: text) where !line.words.isEmpty {
            var parser = LineParser(line: line, file: file)
            let command = try parser.command()
            let source = raw[line.number - 1]
            let text = String(source[..<(source.firstIndex(of: "#") ?? source.endIndex)]).trimmingWhitespace()
            lines.append(Line(number: line.number, text: text, command: command))
        }
    }

    private struct LineParser {
        let line: InputLine
        let file: String
        var next = 1

        init(line: InputLine, file: String) {
            self.line = line
            self.file = file
        }

        func at(_ column: Int) -> SourceLocation { SourceLocation(file: file, line: line.number, column: column) }

        var keyword: String { line.words[0].text.lowercased() }

        /// The column just after the last word, for "expected …" at the end of a line.
        var endColumn: Int { line.words.last.map { $0.column + $0.text.count } ?? 1 }

        mutating func number(_ what: String, limit: UInt64 = .max) throws(Diagnostic) -> UInt64 {
            guard next < line.words.count else {
                throw .error(at(endColumn), "expected \(what) after '\(line.words[next - 1].text)' (usage: \(VMXScript.usage[keyword] ?? keyword))")
            }
            let word = line.words[next]
            guard let value = Number.parse(word.text) else {
                throw .error(at(word.column), "expected \(what), a decimal or 0x-hexadecimal number of at most 64 bits; found '\(word.text)'")
            }
            guard value <= limit else {
                throw .error(at(word.column), "\(what) \(word.text) is out of range; expected at most \(hex(limit))")
            }
            next += 1
            return value
        }

        mutating func word(_ choices: [String]) throws(Diagnostic) -> String {
            guard next < line.words.count else {
                throw .error(at(endColumn), "expected \(choices.joined(separator: " or ")) after '\(line.words[next - 1].text)'")
            }
            let word = line.words[next]
            guard choices.contains(word.text.lowercased()) else {
                throw .error(at(word.column), "expected \(choices.joined(separator: " or ")), found '\(word.text)'")
            }
            next += 1
            return word.text.lowercased()
        }

        mutating func optionalWord(_ choice: String) -> Bool {
            guard next < line.words.count, line.words[next].text.lowercased() == choice else { return false }
            next += 1
            return true
        }

        mutating func physical(_ what: String) throws(Diagnostic) -> UInt64 {
            let column = next < line.words.count ? line.words[next].column : endColumn
            let value = try number(what)
            guard value < PhysicalMemory.limit else {
                throw .error(at(column), "\(what) \(hex(value)) lies at or above 2^52, beyond any physical address")
            }
            return value
        }

        mutating func command() throws(Diagnostic) -> VMXCommand {
            let command = try parse()
            if next < line.words.count {
                let extra = line.words[next]
                throw .error(at(extra.column), "unexpected '\(extra.text)'; usage: \(VMXScript.usage[keyword] ?? keyword)")
            }
            return command
        }

        private mutating func parse() throws(Diagnostic) -> VMXCommand {
            switch keyword {
            case "revision": return .revision(UInt32(try number("a revision identifier", limit: 0x7FFF_FFFF)))
            case "maxphyaddr":
                let column = next < line.words.count ? line.words[next].column : endColumn
                let n = try number("a physical-address width")
                guard (32...52).contains(n) else { throw .error(at(column), "MAXPHYADDR \(n) is out of range; expected 32 to 52") }
                return .maxPhysicalAddress(Int(n))
            case "capability":
                let column = next < line.words.count ? line.words[next].column : endColumn
                let msr = try number("a capability MSR index", limit: 0xFFFF_FFFF)
                guard (0x480...0x485).contains(msr) || (0x48B...0x491).contains(msr) else {
                    throw .error(at(column), "MSR \(hex(msr)) is not a modelled VMX capability MSR; expected 0x480–0x485 or 0x48B–0x491")
                }
                return .capability(msr: UInt32(msr), value: try number("the MSR's value"))
            case "vmxe": return .vmxe(try word(["on", "off"]) == "on")
            case "mov-ss": return .movSSBlocking(try word(["on", "off"]) == "on")
            case "cpl": return .cpl(Int(try number("a privilege level", limit: 3)))
            case "feature-control": return .featureControl(try number("the value of IA32_FEATURE_CONTROL"))
            case "erratum":
                _ = try word(["skl031"])
                return .erratum(.skl031)
            case "msr-exists": return .msrExists(UInt32(try number("an MSR index", limit: 0xFFFF_FFFF)))
            case "quad":
                let column = next < line.words.count ? line.words[next].column : endColumn
                let address = try physical("an address")
                guard address & 7 == 0 else { throw .error(at(column), "address \(hex(address)) is not 8-byte aligned; expected the address of a quadword") }
                return .quadword(address: address, value: try number("a quadword value"))
            case "vmcs-region":
                let address = try physical("an address")
                return .vmcsRegion(address: address, shadow: optionalWord("shadow"))
            case "vmxon": return .vmxon(try number("the VMXON-region address"))
            case "vmxoff": return .vmxoff
            case "vmclear": return .vmclear(try number("a VMCS address"))
            case "vmptrld": return .vmptrld(try number("a VMCS address"))
            case "vmptrst": return .vmptrst
            case "vmread": return .vmread(UInt32(try number("a field encoding", limit: 0xFFFF_FFFF)))
            case "vmwrite":
                let field = UInt32(try number("a field encoding", limit: 0xFFFF_FFFF))
                return .vmwrite(field, try number("a value"))
            case "vmlaunch": return .vmlaunch
            case "vmresume": return .vmresume
            case "vmcall": return .vmcall
            case "vmfunc":
                let function = UInt32(try number("the function (EAX)", limit: 0xFFFF_FFFF))
                return .vmfunc(function: function, index: UInt32(try number("the index (ECX)", limit: 0xFFFF_FFFF)))
            case "in", "out":
                let port = UInt16(try number("a port", limit: 0xFFFF))
                let column = next < line.words.count ? line.words[next].column : endColumn
                let size = try number("an access size (1, 2 or 4)")
                guard [1, 2, 4].contains(size) else { throw .error(at(column), "an I/O access has 1, 2 or 4 bytes, not \(size)") }
                return .io(port: port, size: Int(size), isIn: keyword == "in")
            case "rdmsr": return .rdmsr(UInt32(try number("an MSR index", limit: 0xFFFF_FFFF)))
            case "wrmsr":
                let msr = UInt32(try number("an MSR index", limit: 0xFFFF_FFFF))
                return .wrmsr(msr, try number("a value"))
            case "cpuid": return .cpuid
            case "read", "write", "fetch":
                let column = next < line.words.count ? line.words[next].column : endColumn
                let gpa = try number("a guest-physical address")
                guard gpa >> 48 == 0 else { throw .error(at(column), "guest-physical \(hex(gpa)) lies beyond a 4-level EPT walk (2^48)") }
                let access: EPTAccess = keyword == "read" ? .read : keyword == "write" ? .write : .fetch(userAddress: optionalWord("user"))
                return .access(access, gpa: gpa)
            default:
                throw .error(at(line.words[0].column), "unknown command '\(line.words[0].text)'; expected a setting (\(["revision", "maxphyaddr", "capability", "vmxe", "cpl", "feature-control", "erratum", "msr-exists", "quad", "vmcs-region", "mov-ss"].joined(separator: ", "))) or an instruction (vmxon, vmxoff, vmclear, vmptrld, vmptrst, vmread, vmwrite, vmlaunch, vmresume, vmcall, vmfunc, in, out, rdmsr, wrmsr, cpuid, read, write, fetch)")
            }
        }
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
