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

/// What `moat check` prints on standard output.
enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, dot
}

/// What `--render` draws the attack graph as, with Graphviz.
enum RenderFormat: String, ExpressibleByArgument, CaseIterable {
    case svg
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

    @Option(help: "Output format: text, json (schema: docs/schema/moat-report.v1.json), sarif (SARIF 2.1.0) or dot (the attack graph, for Graphviz).")
    var format: CheckFormat = .text

    @Option(help: "Also draw each model's attack graph with Graphviz's dot: writes MODEL.svg beside the model, or in --output.")
    var render: RenderFormat?

    @Option(name: .shortAndLong, help: "The directory --render writes into (default: beside each model).", completion: .directory)
    var output: String?

    @Option(help: "Time limit per property, in seconds; a property that runs out is unknown (exit status 3), never proved.")
    var timeout: Double?

    @Option(name: .customLong("max-memory"), help: "Memory limit in MiB, for the search and the solver; past it a property is unknown.")
    var maxMemory: Int?

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
        if let maxMemory, maxMemory < 16 { throw ValidationError("--max-memory expects at least 16 (MiB)") }
        if output != nil, render == nil { throw ValidationError("--output names where --render writes; add --render svg") }
    }

    func run() throws {
        var graphviz: Graphviz?
        if let render {
            guard let found = Graphviz.find() else {
                printError("error: --render \(render.rawValue) needs Graphviz's 'dot', which is not on PATH; install Graphviz (Debian: apt-get install graphviz), or print the graph with --format dot")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            graphviz = found
            if let output, !isDirectory(output) {
                printError("error: --output '\(output)' is not a directory; expected an existing directory")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
        }
        var status = ExitStatus.holds
        var options = CheckOptions()
        options.timeoutSeconds = timeout
        if let maxMemory {
            options.memoryLimitMegabytes = maxMemory
            SMTLimits.setMemoryLimit(megabytes: maxMemory)
        }

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
            // The symbolic verdicts, then every attack replayed on the concrete machine.
            let checker = Checker(platform: platform, options: options)
            let replayer = Replayer(platform: platform)
            let results = platform.properties.map { property in
                done += 1
                progressLine.update(done, of: total, platform.claim(property))
                var result = checker.check(property)
                if case .attack(let trace) = result.verdict { result.validation = replayer.replay(trace) }
                return result
            }
            progressLine.clear()
            let run = ModelRun(platform: platform, warnings: warnings, results: results)
            runs.append((index, run))
            if let graphviz, let render {
                let path = Graphviz.outputPath(for: platform.file, format: render.rawValue, directory: output)
                do {
                    try graphviz.render(DOTReport().render(platform: platform, results: results), format: render.rawValue, to: path)
                    if !quiet { printError("wrote \(path)") }
                } catch {
                    printError("error: \(error)")
                    status = status.worst(.badInput)
                }
            }
            if format == .text, !quiet {
                print(report.render(run))
            } else if !quiet {
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

        // Every file, in the order it was named.
        let all = runs.sorted { $0.index < $1.index }.map(\.run)
        switch format {
        case .text:
            if !loaded.isEmpty { print(report.summary(all.flatMap(\.results))) }
        case .json:
            print(JSONReport(toolVersion: Moat.version, timings: !noTimings).render(all))
        case .sarif:
            print(SARIFReport(toolVersion: Moat.version, timings: !noTimings).render(all))
        case .dot:
            for run in all {
                guard let platform = run.platform else { continue }
                print(DOTReport().render(platform: platform, results: run.results), terminator: "")
            }
        }
        if status != .holds { throw ExitCode(status.rawValue) }
    }

    private func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
