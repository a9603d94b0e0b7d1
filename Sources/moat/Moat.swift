import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `moat` command: thin orchestration over Platform, Checker, Machine and Report.
@main
struct Moat: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "moat",
        abstract: "A model checker for hypervisor isolation on Intel VT-x.",
        discussion: """
            Describe a platform in a .moat file (memory regions, the hypervisor, partitions and \
            their VTLs, EPT mappings, VMCS controls, SMM, devices) and state isolation properties. \
            Moat proves each property for every reachable state, or finds the attack that breaks it.

            Exit status: 0 every property holds, 1 an attack was found, 2 bad input or usage, \
            3 some property is unknown (a limit was hit or the search is incomplete).
            """,
        version: version,
        subcommands: [Check.self, LintCommand.self, ExportSMT.self, SweepCommand.self, EPT.self, VMX.self]
    )

    /// Runs the command, mapping usage errors to exit status 2 (not ArgumentParser's 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            Glibc.exit(code.rawValue)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = fullMessage(for: error)
            printError(message)
            Glibc.exit(ExitStatus.badInput.rawValue)
        }
    }
}

/// The exit statuses `moat` documents.
enum ExitStatus: Int32 {
    case holds = 0
    case attack = 1
    case badInput = 2
    case unknown = 3
    case disagreement = 4

    /// The more serious of two statuses: bad input, then a disagreement, an attack, unknown, success.
    func worst(_ other: ExitStatus) -> ExitStatus {
        let order: [ExitStatus] = [.holds, .unknown, .attack, .disagreement, .badInput]
        return order.firstIndex(of: self)! >= order.firstIndex(of: other)! ? self : other
    }
}
