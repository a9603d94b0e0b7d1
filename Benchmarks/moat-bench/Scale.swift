import Checker
import Foundation
import Platform
import SMT

/// One checker run: every standard question of a generated platform, in this process.
struct ScaleResult {
    var label: String
    var partitions: Int
    var ranges: Int
    var pages: Int
    var questions: Int
    var answered: Int
    /// Answered with a verdict (proved or attack), not unknown.
    var decided: Int
    var seconds: Double
    var queries: Int
    var peakMiB: Int
    var verdicts: String

    var line: String {
        "\(label): \(partitions) partitions, \(ranges) ranges (\(pages) pages), \(answered)/\(questions) standard questions in \(format3(seconds)) s, "
            + "\(queries) SMT queries, peak RSS \(peakMiB) MiB \(verdicts)"
    }

    /// The machine-readable form a parent process parses.
    var record: String { "RESULT \(label) \(ranges) \(pages) \(questions) \(answered) \(decided) \(seconds) \(queries) \(peakMiB)" }
}

extension ReferencePlatform.Shape {
    /// `moat-bench run` arguments that rebuild this shape in a child process.
    var arguments: [String] { ["\(partitions)", "\(rangesPerPartition)", root ? "root" : "plain", "\(devices)", "\(handlers)"] }

    init?(arguments a: ArraySlice<String>) {
        let a = Array(a)
        guard a.count >= 5, let p = Int(a[0]), let r = Int(a[1]), let d = Int(a[3]), let h = Int(a[4]) else { return nil }
        self.init(partitions: p, rangesPerPartition: r, root: a[2] == "root", devices: d, handlers: h)
    }
}

/// Every 4-KiB page of every mapping as a mapping of its own: the same platform, page by page.
func pageByPage(_ platform: Platform) -> Platform {
    var p = platform
    for i in p.partitions.indices {
        for j in p.partitions[i].vtls.indices {
            p.partitions[i].vtls[j].mappings = p.partitions[i].vtls[j].mappings.flatMap { m in
                stride(from: 0, to: m.size, by: 0x1000).map { off in
                    var page = m
                    page.gpa = m.gpa + off
                    page.hpa = m.hpa + off
                    page.size = 0x1000
                    page.target = .host(m.hpa + off)
                    return page
                }
            }
        }
    }
    return p
}

/// Answers the standard questions of one shape; with `perPage`, over a page-by-page platform with
/// atoms and slicing off, stopping after `budget` seconds (the baseline is far slower).
func runScale(_ label: String, _ shape: ReferencePlatform.Shape, perPage: Bool = false, budget: Double? = nil) -> ScaleResult {
    var platform = ReferencePlatform.make(shape)
    platform.properties = platform.standardProperties
    // Profiling knobs (docs/performance.md): only the questions whose name contains a text, the first N.
    let environment = ProcessInfo.processInfo.environment
    if let only = environment["MOAT_BENCH_ONLY"] { platform.properties = platform.properties.filter { $0.name.contains(only) } }
    if let n = environment["MOAT_BENCH_LIMIT"].flatMap(Int.init) { platform.properties = Array(platform.properties.prefix(n)) }
    if perPage { platform = pageByPage(platform) }
    let ranges = platform.partitions.reduce(0) { $0 + $1.vtls.reduce(0) { $0 + $1.mappings.count } }
    let pages = platform.partitions.reduce(0) { $0 + $1.vtls.reduce(0) { $0 + $1.mappings.reduce(0) { $0 + Int($1.size / 0x1000) } } }
    print("  \(label): platform generated, peak RSS \(peakResidentMegabytes()) MiB")
    var options = CheckOptions()
    options.atoms = !perPage
    // The baseline's questions may each take longer than its whole budget: each gets the budget as
    // its own limit (the checker's `--timeout`), past which it is unknown and the run stops.
    options.timeoutSeconds = environment["MOAT_BENCH_TIMEOUT"].flatMap(Double.init) ?? budget
    let before = Solver.checksPerformed
    var verdicts: [String: Int] = [:]
    var answered = 0
    let clock = ContinuousClock()
    let start = clock.now
    if let budget {
        // One question at a time (each with fresh engines), until the budget is spent.
        let checker = Checker(platform: platform, options: options)
        for property in platform.properties {
            verdicts[checker.check(property).verdict.word, default: 0] += 1
            answered += 1
            if seconds(clock.now - start) > budget { break }
        }
    } else {
        let results = Checker(platform: platform, options: options).checkAll()
        for result in results { verdicts[result.verdict.word, default: 0] += 1 }
        answered = platform.properties.count
        // Where the time goes: the slowest questions, and the time the questions themselves took.
        let total = results.reduce(0) { $0 + $1.seconds }
        // Questions proved from the saturated state of a guest of the same shape (SharedProofs).
        let shared = results.filter { if case .proved(let c) = $0.verdict { c.method.contains("exchanged, re-checked") } else { false } }.count
        print("  \(label): \(shared) questions proved from another guest's saturated state (re-checked)")
        print("  \(label): the questions took \(format3(total)) s of the run; slowest:")
        for r in results.sorted(by: { $0.seconds > $1.seconds }).prefix(environment["MOAT_BENCH_SLOWEST"].flatMap(Int.init) ?? 3) {
            print("    \(format3(r.seconds)) s  \(r.property.name) (\(r.verdict.word))")
        }
    }
    let elapsed = seconds(clock.now - start)
    return ScaleResult(label: label, partitions: platform.partitions.count, ranges: ranges, pages: pages, questions: platform.properties.count, answered: answered,
                       decided: answered - verdicts["unknown", default: 0], seconds: elapsed, queries: Solver.checksPerformed - before, peakMiB: peakResidentMegabytes(),
                       verdicts: "\(verdicts.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" })")
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18 }

/// Runs one shape in a child process (so that its peak memory is its own) and parses its record.
func child(_ label: String, _ shape: ReferencePlatform.Shape, extra: [String] = []) -> ScaleResult? {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    process.arguments = ["run", label] + shape.arguments + extra
    let pipe = Pipe()
    process.standardOutput = pipe
    do { try process.run() } catch { print("moat-bench: \(error)"); return nil }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    for line in text.split(separator: "\n") where !line.hasPrefix("RESULT") { print(line) }
    guard let record = text.split(separator: "\n").first(where: { $0.hasPrefix("RESULT") })?.split(separator: " "), record.count == 10,
        let ranges = Int(record[2]), let pages = Int(record[3]), let questions = Int(record[4]), let answered = Int(record[5]),
        let decided = Int(record[6]), let s = Double(record[7]), let q = Int(record[8]), let m = Int(record[9])
    else { return nil }
    return ScaleResult(label: label, partitions: shape.partitions, ranges: ranges, pages: pages, questions: questions, answered: answered,
                       decided: decided, seconds: s, queries: q, peakMiB: m, verdicts: "")
}

/// The least-squares slope of log(time) against log(ranges).
func logLogSlope(_ points: [(ranges: Int, seconds: Double)]) -> Double {
    let xs = points.map { log(Double($0.ranges)) }, ys = points.map { log(max($0.seconds, 1e-6)) }
    let mx = xs.reduce(0, +) / Double(xs.count), my = ys.reduce(0, +) / Double(ys.count)
    let sxy = zip(xs, ys).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }
    let sxx = xs.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
    return sxy / sxx
}

/// Time against ranges from 10^3 to 10^6, with the partitions, devices and handlers of RP-M.
func slope() {
    var points: [(ranges: Int, seconds: Double)] = []
    for total in [1_000, 10_000, 100_000, 1_000_000] {
        var shape = ReferencePlatform.medium
        shape.rangesPerPartition = total / shape.partitions
        guard let r = child("slope-\(total)", shape) else { continue }
        points.append((r.ranges, r.seconds))
    }
    guard points.count >= 2 else { return }
    print("slope of log(time) against log(ranges), \(points.first!.ranges)–\(points.last!.ranges) ranges: \(format3(logLogSlope(points)))")
}

/// The per-page baseline at 10^5 pages against the atoms, on the same platform and questions.
func baseline() {
    // Two partitions whose fragments (1–16 pages, 8.5 on average) add up to about 10^5 pages.
    let shape = ReferencePlatform.Shape(partitions: 2, rangesPerPartition: 5_900, root: false, devices: 0, handlers: 2)
    guard let atoms = child("atoms", shape), let pages = child("per-page", shape, extra: ["per-page"]) else { return }
    let perQuestionAtoms = atoms.seconds / Double(max(atoms.answered, 1))
    let perQuestionPages = pages.seconds / Double(max(pages.answered, 1))
    let ratio = Int(perQuestionPages / perQuestionAtoms)
    if pages.decided < pages.answered {
        // A question that ran out of its limit took at least that long: the ratio is a lower bound.
        print("per-page baseline at \(pages.pages) pages: \(pages.answered - pages.decided) of \(pages.answered) questions undecided within their "
            + "\(Int(perPageLimit)) s limit (\(format3(perQuestionPages)) s a question) against \(format3(perQuestionAtoms)) s with atoms: at least \(ratio)× faster")
    } else {
        print("per-page baseline at \(pages.pages) pages: \(format3(perQuestionPages)) s a question (\(pages.answered) answered in its budget) "
            + "against \(format3(perQuestionAtoms)) s with atoms: \(ratio)× faster")
    }
}
