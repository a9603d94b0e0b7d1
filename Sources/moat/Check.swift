import ArgumentParser
import Checker
import Machine
import Platform
import Report
import SMT
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

enum ColorChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove or attack every property of one or more models.",
        discussion: """
            For each property, prints one line — proved, attack or unknown — with the witness \
            (the attack's steps), the facts that block every attack, or the reason it is unknown.

            Exit status: 0 all properties hold, 1 an attack was found, 2 bad input, 3 unknown.
            """
    )

    @Argument(help: "Model files (.moat).", completion: .file(extensions: ["moat"]))
    var files: [String]

    @Flag(help: "Also ask the standard questions: each guest and VTL 0 against the hypervisor, the other partitions, VTL 1 and SMM; each device; code integrity under HVCI; denial of service. A model without properties gets them anyway.")
    var standard = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: "Time limit per property, in seconds; a property that runs out is unknown (exit status 3), never proved.")
    var timeout: Double?

    @Option(name: .customLong("max-memory"), help: "Memory limit in MiB, for the search and the solver; past it a property is unknown.")
    var maxMemory: Int?

    @Option(help: "Colour: auto (only on a terminal, never with NO_COLOR), always or never.")
    var color: ColorChoice = .auto

    func validate() throws {
        if files.isEmpty { throw ValidationError("expected at least one model file") }
        if let timeout, !(timeout > 0 && timeout < 4_000_000) { throw ValidationError("--timeout expects a positive number of seconds") }
        if let maxMemory, maxMemory < 16 { throw ValidationError("--max-memory expects at least 16 (MiB)") }
    }

    func run() throws {
        var status = ExitStatus.holds
        var runs: [(platform: Platform, results: [PropertyResult])] = []
        let report = TextReport(color: useColor)
        var options = CheckOptions()
        options.timeoutSeconds = timeout
        if let maxMemory {
            options.memoryLimitMegabytes = maxMemory
            SMTLimits.setMemoryLimit(megabytes: maxMemory)
        }
        for file in files {
            let platform: Platform
            let warnings: [Diagnostic]
            do {
                (platform, warnings) = try Platform.load(path: file)
            } catch {
                printError(error.description)
                status = status.worst(.badInput)
                continue
            }
            var questions = platform
            if standard || platform.properties.isEmpty {
                questions.properties += platform.standardProperties
            }
            // The symbolic verdicts, then every attack replayed on the concrete machine.
            let replayer = Replayer(platform: questions)
            let results = Checker(platform: questions, options: options).checkAll().map { result -> PropertyResult in
                guard case .attack(let trace) = result.verdict else { return result }
                var replayed = result
                replayed.validation = replayer.replay(trace)
                return replayed
            }
            runs.append((platform, results))
            if format == .text {
                print(report.render(platform: platform, results: results, warnings: warnings))
            } else {
                for w in warnings { printError(w.description) }
            }
            for result in results {
                switch result.verdict {
                case .proved: break
                case .attack:
                    if case .refuted? = result.validation {
                        status = status.worst(.disagreement)
                    } else {
                        status = status.worst(.attack)
                    }
                case .unknown: status = status.worst(.unknown)
                }
            }
        }
        switch format {
        case .text:
            if runs.count > 1 || runs.isEmpty == false {
                print(report.summary(runs.flatMap(\.results)))
            }
        case .json:
            print(JSONReport().render(runs))
        }
        if status != .holds { throw ExitCode(status.rawValue) }
    }

    private var useColor: Bool {
        switch color {
        case .always: true
        case .never: false
        case .auto: isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil
        }
    }
}
