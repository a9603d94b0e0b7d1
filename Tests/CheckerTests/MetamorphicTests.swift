import Foundation
import Platform
import Testing

@testable import Checker

/// Changes that must not change a verdict (renaming, reordering, splitting a region), and
/// changes that may only move a verdict one way (adding rights never turns an attack into a
/// proof; removing rights never turns a proof into an attack).
@Suite struct MetamorphicTests {
    static let models = ScenarioTests.models

    /// A small, varied set of scenarios that answer quickly.
    static let files = [
        "overlapping-mapping.moat", "hypercall-wrap.moat", "xsa-100-unscrubbed-handoff.moat", "smrr-cache-poisoning.moat",
        "vmfunc-foreign-eptp.moat", "dma-no-iommu.moat", "hvci-wx.moat", "vtl-protections.moat", "own-ept-writable.moat",
        "smi-comm-buffer-validated.moat", "skl031-msr-load.moat",
    ]

    static func source(_ file: String) throws -> String {
        try String(contentsOf: models.appendingPathComponent(file), encoding: .utf8)
    }

    /// Verdict words and attack lengths, in property order.
    static func answers(_ platform: Platform) -> [String] {
        Checker(platform: platform).checkAll().map { r in
            if case .attack(let t) = r.verdict { return "attack \(t.steps.count)" }
            return r.verdict.word
        }
    }

    @Test(arguments: files)
    func renamingEveryNameKeepsEveryVerdict(file: String) throws {
        let text = try Self.source(file)
        let original = try Platform.parse(text, file: file).platform
        var renamed = text
        // Rename regions, partitions and devices: longest names first so that prefixes do not clash.
        // Names that are also keywords (`smram smram`, `kind root`) stay: renaming text would hit the keyword too.
        let keywords: Set<String> = ["smram", "root", "guest", "hypervisor", "smm", "code", "data", "ram", "secret"]
        let names = (original.regions.map(\.name) + original.partitions.map(\.name) + original.devices.map(\.name))
            .filter { !keywords.contains($0) }.sorted { $0.count > $1.count }
        for (i, name) in names.enumerated() {
            let pattern = "(?<![A-Za-z0-9_.-])" + NSRegularExpression.escapedPattern(for: name) + "(?![A-Za-z0-9_-]|\\.(?!vtl|base|size|end))"
            renamed = renamed.replacingOccurrences(of: pattern, with: "zz\(i)q", options: .regularExpression)
        }
        let other = try Platform.parse(renamed, file: file).platform
        #expect(other.regions.count == original.regions.count)
        #expect(Self.answers(other) == Self.answers(original))
    }

    @Test(arguments: files)
    func reorderingDeclarationsKeepsEveryVerdict(file: String) throws {
        let original = try Platform.parse(try Self.source(file), file: file).platform
        var shuffled = original
        shuffled.partitions.reverse()
        shuffled.devices.reverse()
        shuffled.hypervisor.handlers.reverse()
        for i in shuffled.partitions.indices {
            for j in shuffled.partitions[i].vtls.indices { shuffled.partitions[i].vtls[j].mappings.reverse() }
        }
        #expect(Self.answers(shuffled) == Self.answers(original))
    }

    @Test(arguments: files)
    func splittingARegionInTwoKeepsEveryVerdict(file: String) throws {
        let original = try Platform.parse(try Self.source(file), file: file).platform
        let targeted = Set(original.properties.compactMap { p -> String? in if case .region(let r)? = p.goal.target { r } else { nil } })
        var split = original
        var regions: [Region] = []
        for r in original.regions {
            // Split memory nobody names as a whole: RAM and data regions not named by a property or a structure.
            guard (r.kind == .ram || r.kind == .data) && !targeted.contains(r.name) && r.size >= 0x2000 else {
                regions.append(r)
                continue
            }
            let half = r.size / 2 & ~0xFFF
            var low = r
            low.size = half
            var high = r
            high.name = r.name + ".upper"
            high.base = r.base + half
            high.size = r.size - half
            regions += [low, high]
        }
        split.regions = regions.sorted { $0.base < $1.base }
        #expect(split.regions.count > original.regions.count, "\(file) has a region to split")
        #expect(Self.answers(split) == Self.answers(original))
    }

    /// Every mapping of every VTL and device, with rights added or removed.
    static func mutate(_ platform: Platform, _ change: (Permissions) -> Permissions) -> [Platform] {
        var result: [Platform] = []
        for (p, partition) in platform.partitions.enumerated() {
            for (v, vtl) in partition.vtls.enumerated() {
                for m in vtl.mappings.indices {
                    var copy = platform
                    let rights = change(vtl.mappings[m].permissions)
                    guard rights != vtl.mappings[m].permissions, !rights.isWriteWithoutRead, !(rights.isExecuteOnly && !platform.cpu.executeOnlyEPT) else { continue }
                    copy.partitions[p].vtls[v].mappings[m].permissions = rights
                    result.append(copy)
                }
            }
        }
        return result
    }

    @Test(arguments: files)
    func addingRightsNeverTurnsAnAttackIntoAProof(file: String) throws {
        let original = try Platform.parse(try Self.source(file), file: file).platform
        let before = Self.answers(original)
        for widened in Self.mutate(original, { $0.union([.read, .write, .execute]) }) {
            for (old, new) in zip(before, Self.answers(widened)) where old.hasPrefix("attack") {
                #expect(new.hasPrefix("attack") || new == "unknown", "\(file): adding rights turned '\(old)' into '\(new)'")
            }
        }
    }

    @Test(arguments: files)
    func removingRightsNeverTurnsAProofIntoAnAttack(file: String) throws {
        let original = try Platform.parse(try Self.source(file), file: file).platform
        let before = Self.answers(original)
        for narrowed in Self.mutate(original, { $0.subtracting(.write) }) + Self.mutate(original, { $0.subtracting([.execute, .userExecute]) }) {
            for (old, new) in zip(before, Self.answers(narrowed)) where old == "proved" {
                #expect(new == "proved" || new == "unknown", "\(file): removing rights turned a proof into '\(new)'")
            }
        }
    }
}
