import ArgumentParser
import Checker
import Platform
import Report
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

    @Option(help: "Output format: text, or json (schema: docs/schema/moat-report.v1.json).")
    var format: OutputFormat = .text

    @Option(help: "Solver time limit per query, in seconds (a timeout makes the property unknown).")
    var timeout: Double?

    @Option(help: "Colour: auto (only on a terminal, never with NO_COLOR), always or never.")
    var color: ColorChoice = .auto

    @Flag(help: "Leave out the time each property took, for output that is the same on every run.")
    var noTimings = false

    @Option(help: "Progress line on standard error: auto (on a terminal, once a run lasts a second), always or never.")
    var progress: ProgressChoice = .auto

    @Flag(name: .shortAndLong, help: "Print only the summary line and errors.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("expected at least one model file") }
        if let timeout, !(timeout > 0 && timeout < 4_000_000) { throw ValidationError("--timeout expects a positive number of seconds") }
    }

    func run() throws {
        var status = ExitStatus.holds
        var options = CheckOptions()
        if let timeout { options.timeoutMilliseconds = UInt32(timeout * 1000) }

        var loaded: [(index: Int, platform: Platform, warnings: [Diagnostic])] = []
        var runs: [(index: Int, run: ModelRun)] = []
        for (index, file) in files.enumerated() {
            do {
                var (platform, warnings) = try Platform.load(path: file)
                if standard || platform.properties.isEmpty { platform.properties += platform.standardProperties }
                loaded.append((index, platform, warnings))
            } catch {
                printError(error.description)
                runs.append((index, ModelRun(file: file, platform: nil, diagnostics: error.diagnostics)))
                status = status.worst(.badInput)
            }
        }

        let report = TextReport(color: wantsColor(color, fileDescriptor: STDOUT_FILENO), timings: !noTimings)
        let progressLine = Progress(progress, quiet: quiet)
        let total = loaded.reduce(0) { $0 + $1.platform.properties.count }
        var done = 0
        for (index, platform, warnings) in loaded {
            let checker = Checker(platform: platform, options: options)
            let results = platform.properties.map { property in
                done += 1
                progressLine.update(done, of: total, platform.claim(property))
                return checker.check(property)
            }
            progressLine.clear()
            let run = ModelRun(platform: platform, warnings: warnings, results: results)
            runs.append((index, run))
            if format == .text, !quiet {
                print(report.render(run))
            } else if !quiet {
                for w in warnings { printError(w.description) }
            }
            for result in results {
                switch result.verdict {
                case .proved: break
                case .attack: status = status.worst(.attack)
                case .unknown: status = status.worst(.unknown)
                }
            }
        }

        // Every file, in the order it was named.
        let all = runs.sorted { $0.index < $1.index }.map(\.run)
        switch format {
        case .text:
            if !loaded.isEmpty { print(report.summary(all.flatMap(\.results))) }
        case .json:
            print(JSONReport(toolVersion: Moat.version, timings: !noTimings).render(all))
        }
        if status != .holds { throw ExitCode(status.rawValue) }
    }
}
