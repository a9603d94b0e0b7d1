import Checker
import Foundation
import Machine
@testable import Platform
import Testing

/// Issue 7's differential test: on random small platforms, the checker's verdict on every
/// property against an exhaustive explorer of the concrete machine (``Differential``).
///
/// `MOAT_DIFF_COUNT=N` sets the number of platforms (500 by default), `MOAT_DIFF_FIRST`
/// the first seed, `MOAT_DIFF_BOUND` the explorer's bound on steps (2) and
/// `MOAT_DIFF_STATES` the states it expands per attacker (30). A disagreement is shrunk to a
/// minimal platform, printed as a `.moat` model in the failure; one that a known finding
/// (``KnownFinding``, a model under `Findings/`) explains is counted and skipped.
@Suite("Checker against the explorer")
struct DifferentialTests {
    static let environment = ProcessInfo.processInfo.environment

    static func setting(_ name: String, _ fallback: Int) -> Int { environment[name].flatMap(Int.init) ?? fallback }

    static var differential: Differential {
        var d = Differential()
        d.explorer.bound = setting("MOAT_DIFF_BOUND", 2)
        d.explorer.stateLimit = setting("MOAT_DIFF_STATES", 30)
        return d
    }

    struct Found: Sendable {
        var seed: Int
        var platform: Platform
        var disagreement: Differential.Disagreement
    }

    /// Compares the platforms of `seeds` on `workers` tasks.
    static func run(_ seeds: [Int], workers: Int) async -> (Differential.Tally, [Found]) {
        let differential = Self.differential
        return await withTaskGroup(of: (Differential.Tally, [Found]).self) { group in
            for w in 0..<workers {
                group.addTask {
                    var tally = Differential.Tally()
                    var found: [Found] = []
                    for seed in stride(from: w, to: seeds.count, by: workers).map({ seeds[$0] }) {
                        var generator = PlatformGenerator(seed: UInt64(seed))
                        let platform = generator.generate(name: "seed \(seed)")
                        let (t, disagreements) = differential.compare(platform)
                        tally.add(t)
                        found += disagreements.map { Found(seed: seed, platform: platform, disagreement: $0) }
                    }
                    return (tally, found)
                }
            }
            var tally = Differential.Tally()
            var found: [Found] = []
            for await (t, f) in group {
                tally.add(t)
                found += f
            }
            return (tally, found.sorted { $0.seed < $1.seed })
        }
    }

    @Test func theCheckerAgreesWithTheExplorer() async {
        let first = Self.setting("MOAT_DIFF_FIRST", 0)
        let count = Self.setting("MOAT_DIFF_COUNT", 500)
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 4))
        let start = ContinuousClock.now
        let (tally, found) = await Self.run(Array(first..<first + count), workers: workers)
        var known: [String: Int] = [:]
        var unexplained: [Found] = []
        for f in found {
            if let finding = KnownFinding.all.first(where: { $0.explains(f.disagreement, on: f.platform) }) {
                known[finding.file, default: 0] += 1
            } else {
                unexplained.append(f)
            }
        }
        let elapsed = ContinuousClock.now - start
        print("differential: \(tally.summary); \(known.values.reduce(0, +)) disagreements explained by known findings (\(known.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))); \(elapsed)")
        #expect(tally.platforms == count)
        // Shrink the first unexplained disagreement of each kind (a shrink runs both sides many
        // times); list the others with the seed that reproduces them (MOAT_DIFF_FIRST=seed MOAT_DIFF_COUNT=1).
        var shrunk = Set<Differential.Kind>()
        for f in unexplained {
            guard shrunk.count < Self.setting("MOAT_DIFF_SHRINK", 3), shrunk.insert(f.disagreement.kind).inserted else {
                Issue.record("seed \(f.seed): \(f.disagreement.kind.rawValue) on \"\(f.disagreement.property.claim)\"\n\(f.disagreement.detail)")
                continue
            }
            let (platform, disagreement) = Shrinker(differential: Self.differential).shrink(f.platform, f.disagreement)
            let header = ["A disagreement between the checker and the explorer (seed \(f.seed), shrunk).", "",
                          "\(disagreement.kind.rawValue): \(disagreement.property.claim)"] + disagreement.detail.split(separator: "\n").map(String.init)
            Issue.record("seed \(f.seed): \(disagreement.kind.rawValue); a minimal model (a checker bug goes to Findings/ with a KnownFinding):\n\(MoatPrinter.print(platform, header: header))")
        }
    }

    /// Every known finding still reproduces: when the checker is fixed, the finding (and its
    /// model under Findings/) goes.
    @Test(arguments: KnownFinding.all.map(\.file))
    func aKnownFindingStillReproduces(file: String) throws {
        let finding = try #require(KnownFinding.all.first { $0.file == file })
        let platform = try Platform.load(path: KnownFinding.directory + "/" + file).platform
        let disagreements = Self.differential.compare(platform).disagreements
        #expect(disagreements.contains { finding.explains($0, on: platform) },
                "Findings/\(file) no longer shows its disagreement; if the checker was fixed, remove the finding. Found: \(disagreements.map(\.kind.rawValue))")
    }
}
