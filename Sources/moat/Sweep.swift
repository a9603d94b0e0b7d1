import ArgumentParser
import Checker
import Foundation
import Platform
import Report

/// `moat sweep`: a model over a space of configuration changes, one JSON line per variant.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Check a model over a space of configuration variants, one JSON line per variant; or merge shard outputs.",
        discussion: """
            SPEC is KEY=VALUE,VALUE…; the space is the cartesian product of every --vary, \
            enumerated with the last SPEC varying fastest, variant ids from 0. Keys: smm.smrr, \
            smm.lock, smm.code-check, smm.tseg-dma-protection, hypervisor.scrub-on-free (on,off); \
            io.PARTITION[.vtlN].PORT (pass,exit); map.PARTITION[.vtlN].INDEX (rights such as \
            r,rw,r-x,rwx,none; INDEX counts the VTL's mappings from 0 in model order).

            --output FILE appends and resumes: variants already in FILE are skipped. Shards: \
            --shard i/n runs the variants k with k mod n = i; without it, SLURM_ARRAY_TASK_ID \
            (minus SLURM_ARRAY_TASK_MIN) of SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX of \
            --shard-count (or JOB_COMPLETION_COUNT), pick the shard. See docs/experiments.md.

            moat sweep --merge FILE… joins shard outputs into one table sorted by variant id.

            Exit status: 0 the sweep ran (attacks in variants are results, not failures), 2 bad input.
            """
    )

    enum TableFormat: String, ExpressibleByArgument, CaseIterable {
        case csv, json
    }

    @Argument(help: "The model (.moat); with --merge, the sweep output files to join.", completion: .file())
    var inputs: [String] = []

    @Option(name: .customLong("vary"), help: "A dimension of the space: KEY=VALUE,VALUE… (repeatable).")
    var specs: [String] = []

    @Option(name: .shortAndLong, help: "Append JSON lines to this file, skipping variants it already holds.", completion: .file(extensions: ["jsonl"]))
    var output: String?

    @Option(help: "Run one shard: i/n (0 ≤ i < n) runs the variants k with k mod n = i.")
    var shard: String?

    @Option(help: "The number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes Indexed Job).")
    var shardCount: Int?

    @Flag(help: "Also ask the standard questions of every variant.")
    var standard = false

    @Option(help: "Time limit per property, in seconds; a property that runs out is unknown.")
    var timeout: Double?

    @Flag(help: "Leave out each variant's time, for output that is the same on every run.")
    var noTimings = false

    @Option(help: "Progress line on standard error: auto, always or never.")
    var progress: ProgressChoice = .auto

    @Flag(help: "Merge sweep outputs (the arguments) into one table.")
    var merge = false

    @Option(help: "The merged table's format: csv or json.")
    var format: TableFormat = .csv

    func validate() throws {
        if merge {
            if inputs.isEmpty { throw ValidationError("--merge expects one or more sweep output files") }
            if !specs.isEmpty || shard != nil { throw ValidationError("--merge takes only output files (and --format)") }
        } else {
            if inputs.count != 1 { throw ValidationError("expected one model file (or --merge FILE…)") }
            if specs.isEmpty { throw ValidationError("expected at least one --vary SPEC, e.g. --vary smm.smrr=on,off") }
        }
        if let timeout, !(timeout > 0 && timeout < 4_000_000) { throw ValidationError("--timeout expects a positive number of seconds") }
    }

    func run() throws {
        if merge { return try mergeOutputs() }
        let model = inputs[0]
        let sweep: Sweep
        var platform: Platform
        do {
            platform = try Platform.load(path: model).platform
            sweep = Sweep(try specs.map { spec throws(SweepError) in try SweepSpec(parsing: spec) })
            try sweep.validate(against: platform)
        } catch let error as ModelError {
            printError(error.description)
            throw ExitCode(ExitStatus.badInput.rawValue)
        } catch {
            printError("error: --vary \(error)")
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        if standard || platform.properties.isEmpty { platform.properties += platform.standardProperties }
        let (index, count) = try shardSelection()
        let key = sweep.key(model: model)

        var done = Set<Int>()
        if let output, let text = try? String(contentsOfFile: output, encoding: .utf8) {
            let (records, _) = SweepRecord.parse(lines: text)
            if let other = records.first(where: { $0.sweep != key }) {
                printError("error: \(output) holds results of another sweep ('\(other.sweep)'); expected '\(key)' — use another --output")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            done = Set(records.map(\.variantId))
        }
        let sink = try output.map(LineSink.init(appendingTo:))
        var options = CheckOptions()
        options.timeoutSeconds = timeout
        let todo = sweep.ids(shard: index, of: count).filter { !done.contains($0) }
        let line = Progress(progress, quiet: false)
        for (n, id) in todo.enumerated() {
            let variant = sweep.variant(id)
            line.update(n + 1, of: todo.count, "variant \(id): \(variant.description)")
            let start = ContinuousClock.now
            let varied = try sweepApply(sweep, variant, platform)
            let results = Checker(platform: varied, options: options).checkAll()
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let record = SweepRecord(sweep: key, model: model, variant: variant, results: results, seconds: noTimings ? nil : seconds)
            line.clear()
            if let sink { try sink.write(record.line) } else { print(record.line) }
        }
        line.clear()
    }

    private func sweepApply(_ sweep: Sweep, _ variant: Sweep.Variant, _ platform: Platform) throws -> Platform {
        do {
            return try sweep.apply(variant, to: platform)
        } catch {
            printError("error: variant \(variant.id): \(error)")
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
    }

    /// The shard to run: --shard, then Slurm's array variables, then a Kubernetes Indexed Job's.
    private func shardSelection() throws -> (Int, Int) {
        let env = ProcessInfo.processInfo.environment
        func fail(_ message: String) -> Error {
            printError("error: \(message)")
            return ExitCode(ExitStatus.badInput.rawValue)
        }
        if let shard {
            let parts = shard.split(separator: "/")
            guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, (0..<n).contains(i) else {
                throw fail("--shard '\(shard)': expected i/n with 0 ≤ i < n, e.g. 0/4")
            }
            return (i, n)
        }
        if let id = env["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) {
            guard let n = env["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }), n > 0 else {
                throw fail("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not a positive number")
            }
            let i = id - (env["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0)
            guard (0..<n).contains(i) else { throw fail("Slurm array task \(id) is not one of \(n) consecutive tasks; use --array=0-\(n - 1) or --shard") }
            return (i, n)
        }
        if let i = env["JOB_COMPLETION_INDEX"].flatMap({ Int($0) }) {
            guard let n = shardCount ?? env["JOB_COMPLETION_COUNT"].flatMap({ Int($0) }), n > 0 else {
                throw fail("JOB_COMPLETION_INDEX is set; give the number of completions with --shard-count N or JOB_COMPLETION_COUNT")
            }
            guard (0..<n).contains(i) else { throw fail("JOB_COMPLETION_INDEX \(i) is not below the shard count \(n)") }
            return (i, n)
        }
        return (0, 1)
    }

    private func mergeOutputs() throws {
        var records: [SweepRecord] = []
        for file in inputs {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                printError("error: cannot read \(file); expected a moat sweep output file")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
            let (parsed, skipped) = SweepRecord.parse(lines: text)
            if skipped > 0 { printError("warning: \(file): skipped \(skipped) line\(skipped == 1 ? "" : "s") that are not sweep records") }
            records += parsed
        }
        do {
            let table = try SweepTable(merging: records)
            print(format == .csv ? table.csv() : table.json(), terminator: format == .csv ? "" : "\n")
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
    }
}

/// Appends lines to a file, each written and flushed whole, so that a killed run leaves at
/// most one partial line (which resuming and merging skip).
final class LineSink {
    private let handle: FileHandle

    init(appendingTo path: String) throws {
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                printError("error: cannot create \(path)")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            printError("error: cannot write \(path)")
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        self.handle = handle
        handle.seekToEndOfFile()
        // A previous run killed mid-line leaves no newline at the end: start a fresh line.
        if handle.offsetInFile > 0, let last = try? String(contentsOfFile: path, encoding: .utf8).last, last != "\n" {
            handle.write(Data("\n".utf8))
        }
    }

    func write(_ line: String) throws {
        handle.write(Data((line + "\n").utf8))
        try handle.synchronize()
    }

    deinit { try? handle.close() }
}
