import ArgumentParser
import Machine
import Platform

/// `moat vmx …`: VMX instructions on Moat's simulated processor.
struct VMX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmx",
        abstract: "Run VMX instructions on Moat's simulated processor.",
        subcommands: [Run.self]
    )

    /// `moat vmx run SCRIPT`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a script of VMX instructions and print the outcome of each.",
            discussion: """
                A script has one command per line; '#' starts a comment; numbers are decimal or \
                0x-hexadecimal. The processor starts outside VMX operation with CR4.VMXE = 1, CPL 0, \
                IA32_FEATURE_CONTROL locked with VMX enabled, MAXPHYADDR 46, revision 0x12 and Moat's \
                'modern' capability MSRs; memory is zero.

                Settings: revision N, maxphyaddr N, capability MSR VALUE, vmxe on|off, cpl N, \
                feature-control VALUE, erratum skl031, msr-exists INDEX, quad ADDRESS VALUE (a \
                little-endian quadword), vmcs-region ADDRESS [shadow] (writes the revision identifier), \
                mov-ss on|off.

                VMX instructions: vmxon A, vmxoff, vmclear A, vmptrld A, vmptrst, vmread FIELD, \
                vmwrite FIELD VALUE, vmlaunch, vmresume, vmcall, vmfunc EAX ECX. Guest instructions (in \
                VMX non-root operation): in PORT SIZE, out PORT SIZE, rdmsr MSR, wrmsr MSR VALUE, cpuid, \
                read GPA, write GPA, fetch GPA [user].

                Each instruction prints its outcome: VMsucceed, VMfailInvalid, VMfailValid(n), #UD, \
                #GP(0), a VM exit with its reason and qualification, or that the guest was entered.

                Exit status: 0 the script ran, 2 a bad script (reported as file:line:column).
                """
        )

        @Argument(help: "The script.", completion: .file())
        var script: String

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        func run() throws {
            let parsed: VMXScript
            do {
                parsed = try VMXScript(try readInput(script), file: script)
            } catch {
                printError(error.description)
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            var session = VMXSession()
            var results: [(VMXScript.Line, VMXStepResult)] = []
            for line in parsed.lines {
                if let result = session.execute(line.command) { results.append((line, result)) }
            }
            switch format {
            case .text:
                for (line, result) in results { print("\(line.number): \(line.text): \(Self.text(result, guest: line.command.isGuestInstruction))") }
            case .json:
                print(JSONValue.object([("instructions", .array(results.map { Self.json($0.0, $0.1) }))]).render())
            }
        }

        static func text(_ result: VMXStepResult, guest: Bool = false) -> String {
            guard case .outcome(let outcome) = result else { return "not in VMX non-root operation" }
            switch outcome {
            case .succeed: return "VMsucceed"
            case .value(let v): return guest ? "completed without a VM exit, read \(hex(v))" : "VMsucceed, value \(hex(v))"
            case .failInvalid: return "VMfailInvalid"
            case .failValid(let e): return "VMfailValid(\(e.rawValue))\(e.name.map { ": \($0)" } ?? "")"
            case .undefinedOpcode: return "#UD"
            case .generalProtection: return "#GP(0)"
            case .vmExit(let exit):
                let reason = exit.reason.isEntryFailure
                    ? "\(hex(UInt64(exit.reason.rawValue))) (VM-entry failure, basic reason \(exit.reason.basic))"
                    : "\(exit.reason.basic)"
                return "VM exit: reason \(reason), qualification \(hex(exit.qualification))"
                    + (exit.guestPhysicalAddress.map { ", guest-physical \(hex($0))" } ?? "")
            case .guestEntered: return "entered the guest"
            case .completed: return "completed in the guest without a VM exit"
            case .translated(let hpa): return "translated to host-physical \(hex(hpa))"
            case .shutdown: return "shutdown"
            }
        }

        static func json(_ line: VMXScript.Line, _ result: VMXStepResult) -> JSONValue {
            var members: [(String, JSONValue)] = [("line", .int(UInt64(line.number))), ("instruction", .string(line.text))]
            guard case .outcome(let outcome) = result else {
                return .object(members + [("outcome", .string("notInGuest"))])
            }
            switch outcome {
            case .succeed: members.append(("outcome", .string("VMsucceed")))
            case .value(let v):
                members += [("outcome", .string(line.command.isGuestInstruction ? "completed" : "VMsucceed")), ("value", .int(v))]
            case .failInvalid: members.append(("outcome", .string("VMfailInvalid")))
            case .failValid(let e): members += [("outcome", .string("VMfailValid")), ("error", .int(UInt64(e.rawValue)))]
            case .undefinedOpcode: members.append(("outcome", .string("#UD")))
            case .generalProtection: members.append(("outcome", .string("#GP(0)")))
            case .vmExit(let exit):
                members += [("outcome", .string("vmExit")), ("exitReason", .int(UInt64(exit.reason.rawValue))),
                            ("qualification", .int(exit.qualification))]
                if let gpa = exit.guestPhysicalAddress { members.append(("gpa", .int(gpa))) }
            case .guestEntered: members.append(("outcome", .string("guestEntered")))
            case .completed: members.append(("outcome", .string("completed")))
            case .translated(let hpa): members += [("outcome", .string("translated")), ("hpa", .int(hpa))]
            case .shutdown: members.append(("outcome", .string("shutdown")))
            }
            return .object(members)
        }
    }
}
