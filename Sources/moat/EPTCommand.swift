import ArgumentParser
import Machine
import Platform

/// `moat ept …`: EPT paging structures.
struct EPT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ept",
        abstract: "Work with EPT paging structures.",
        subcommands: [Translate.self]
    )

    /// `moat ept translate`: one EPT walk over a memory image.
    struct Translate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk EPT paging structures in a memory image for one guest-physical access.",
            discussion: """
                The memory image is a text file with one little-endian 64-bit quadword per line, \
                'ADDRESS: VALUE', both 0x-hexadecimal, the address 8-aligned; '#' starts a comment and \
                memory not listed is zero. The walk follows SDM vol. 3C §29.3 as Moat's machine does: \
                a not-present entry is an EPT violation (exit 48, with its exit qualification), a \
                reserved bit, write-without-read, execute-only without support or a bad memory type is \
                an EPT misconfiguration (exit 49).

                The processor defaults to: MBEC off, execute-only entries supported, 2-MiB and 1-GiB \
                pages supported, MAXPHYADDR 46.

                Exit status: 0 the walk ran (whatever its outcome), 2 bad input (the error is \
                reported as file:line:column).
                """
        )

        @Option(help: "The memory image (text, 'ADDRESS: VALUE' per line).", completion: .file())
        var memory: String

        @Option(help: "The EPT pointer (VMCS field 0x201A).")
        var eptp: Number

        @Option(help: "The guest-physical address to translate.")
        var gpa: Number

        @Option(help: "The access: read, write or fetch.")
        var access: AccessKind

        @Flag(help: "A fetch from a user-mode linear address (selects XU, bit 10, under MBEC).")
        var userPage = false

        @Flag(help: "Mode-based execute control is on (secondary control bit 22).")
        var mbec = false

        @Flag(name: .customLong("no-execute-only"), help: "The processor does not allow execute-only entries (IA32_VMX_EPT_VPID_CAP[0] = 0).")
        var noExecuteOnly = false

        @Flag(name: .customLong("no-2m"), help: "The processor has no 2-MiB EPT pages (CAP[16] = 0).")
        var no2M = false

        @Flag(name: .customLong("no-1g"), help: "The processor has no 1-GiB EPT pages (CAP[17] = 0).")
        var no1G = false

        @Option(help: "MAXPHYADDR, the physical-address width in bits (32 to 52).")
        var maxphyaddr: Int = 46

        @Option(help: "Output format: text or json.")
        var format: OutputFormat = .text

        enum AccessKind: String, ExpressibleByArgument, CaseIterable {
            case read, write, fetch
        }

        func validate() throws {
            guard (32...52).contains(maxphyaddr) else { throw ValidationError("--maxphyaddr expects a width from 32 to 52 bits") }
            if userPage && access != .fetch { throw ValidationError("--user-page applies to --access fetch only") }
        }

        func run() throws {
            let image: PhysicalMemory
            do {
                image = try MemoryImage.parse(try readInput(memory), file: memory)
            } catch {
                printError(error.description)
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            var capabilities = EPTCapabilities(msr: EPTCapabilities.modern.msr, maxPhysicalAddressWidth: maxphyaddr)
            capabilities.executeOnly = !noExecuteOnly
            capabilities.pages2M = !no2M
            capabilities.pages1G = !no1G
            let pointer = EPTP(rawValue: eptp.value)
            let walker: EPTWalker
            do {
                walker = try EPTWalker(eptp: pointer, capabilities: capabilities, modeBasedExecute: mbec)
            } catch {
                printError("error: --eptp \(hex(eptp.value)) is not a valid EPTP: \(error) (VM entry would fail with VMfailValid(7))")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            guard gpa.value >> UInt64(12 + 9 * pointer.levels) == 0 else {
                printError("error: --gpa \(hex(gpa.value)) lies beyond the \(pointer.levels)-level walk (2^\(12 + 9 * pointer.levels))")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            let kind: EPTAccess = switch access {
            case .read: .read
            case .write: .write
            case .fetch: .fetch(userAddress: userPage)
            }
            var memory = image
            let walk = walker.walkRecordingEntries(gpa.value, access: kind, in: &memory)
            print(format == .json ? json(walk, pointer: pointer, kind: kind) : text(walk, pointer: pointer, kind: kind))
        }

        private func text(_ walk: EPTWalk, pointer: EPTP, kind: EPTAccess) -> String {
            var lines = ["EPTP \(hex(pointer.rawValue)): \(pointer.levels)-level walk from \(hex(pointer.rootAddress))\(pointer.accessedDirtyEnabled ? ", A/D on" : "")\(mbec ? ", MBEC on" : "")"]
            lines.append("\(kind) of guest-physical \(hex(gpa.value)):")
            for entry in walk.entries {
                lines.append("  level \(entry.level) \(Self.levelName(entry.level)) at \(hex(entry.address)) = \(hex(entry.value))")
            }
            switch walk.outcome {
            case .translated(let hpa, let size):
                lines.append("translated: host-physical \(hex(hpa)) (\(size) page)")
            case .violation(let qualification, _):
                lines.append("EPT violation: exit reason 48, exit qualification \(hex(qualification)) (\(Self.describe(qualification: qualification)))")
            case .misconfiguration:
                lines.append("EPT misconfiguration: exit reason 49, exit qualification 0x0")
            }
            return lines.joined(separator: "\n")
        }

        static func levelName(_ level: Int) -> String {
            switch level {
            case 5: "PML5E"
            case 4: "PML4E"
            case 3: "PDPTE"
            case 2: "PDE"
            default: "PTE"
            }
        }

        /// Bits 2:0 the access, 5:3 the AND of R/W/X, 6 the AND of XU (DOMAIN.md §1.4).
        static func describe(qualification q: UInt64) -> String {
            let access = q & 1 != 0 ? "read" : q & 2 != 0 ? "write" : "fetch"
            let rights = (q >> 3 & 1 != 0 ? "r" : "-") + (q >> 4 & 1 != 0 ? "w" : "-") + (q >> 5 & 1 != 0 ? "x" : "-")
                + (q >> 6 & 1 != 0 ? "u" : "-")
            return "a \(access); the entries allow \(rights)"
        }

        private func json(_ walk: EPTWalk, pointer: EPTP, kind: EPTAccess) -> String {
            var members: [(String, JSONValue)] = [
                ("eptp", .int(pointer.rawValue)),
                ("gpa", .int(gpa.value)),
                ("access", .string(access.rawValue)),
                ("userPage", .bool(userPage)),
                ("mbec", .bool(mbec)),
            ]
            switch walk.outcome {
            case .translated(let hpa, let size):
                members += [("outcome", .string("translated")), ("hpa", .int(hpa)), ("pageSize", .int(size.bytes))]
            case .violation(let qualification, _):
                members += [("outcome", .string("violation")), ("exitReason", .int(48)), ("qualification", .int(qualification))]
            case .misconfiguration:
                members += [("outcome", .string("misconfiguration")), ("exitReason", .int(49)), ("qualification", .int(0))]
            }
            members.append(("walk", .array(walk.entries.map {
                .object([("level", .int(UInt64($0.level))), ("address", .int($0.address)), ("entry", .int($0.value))])
            })))
            return JSONValue.object(members).render()
        }
    }
}
