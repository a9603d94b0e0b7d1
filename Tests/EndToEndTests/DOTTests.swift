import Foundation
import Testing

/// `moat check --format dot` and `--render svg`.
@Suite struct DOTTests {
    static let hasDot = FileManager.default.isExecutableFile(atPath: "/usr/bin/dot") || FileManager.default.isExecutableFile(atPath: "/usr/local/bin/dot")

    @Test func dotHasAClusterPerAttackAndCommentsForProofs() throws {
        let run = try Moat.run(["check", "--format", "dot", "models/overlapping-mapping.moat"])
        #expect(run.status == 1)
        #expect(run.stdout.hasPrefix("// moat attack graph of models/overlapping-mapping.moat"))
        #expect(run.stdout.components(separatedBy: "subgraph cluster_").count - 1 == 3)
        #expect(run.stdout.contains("// proved: guest1 cannot write the hypervisor"))
        #expect(run.stdout.contains(#""a3.s1" -> "a3.s2" [label="2. guest2 executes"#))
    }

    @Test func aModelWithoutAttacksIsAValidGraphWithANote() throws {
        let run = try Moat.run(["check", "--format", "dot", "models/dma-iommu.moat"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("none [shape=note"))
    }

    @Test(.enabled(if: hasDot, "Graphviz's dot is not installed (apt-get install graphviz)"))
    func renderSVGWritesBesideTheModelOrIntoOutput() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moat-dot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try Moat.run(["check", "--render", "svg", "--output", directory.path, "--quiet", "models/overlapping-mapping.moat", "models/dma-iommu.moat"])
        #expect(run.status == 1, "\(run.stderr)")
        for name in ["overlapping-mapping.svg", "dma-iommu.svg"] {
            let svg = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            #expect(svg.contains("<svg"))
        }
        let model = directory.appendingPathComponent("copy.moat")
        try FileManager.default.copyItem(at: Moat.root.appendingPathComponent("models/dma-iommu.moat"), to: model)
        let beside = try Moat.run(["check", "--render", "svg", model.path])
        #expect(beside.status == 0, "\(beside.stderr)")
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("copy.svg").path))
        #expect(beside.stderr.contains("wrote \(directory.appendingPathComponent("copy.svg").path)"))
    }

    @Test func renderWithoutDotSaysSoAndExitsTwo() throws {
        let run = try Moat.run(["check", "--render", "svg", "models/dma-iommu.moat"], environment: ["PATH": "/nonexistent"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("needs Graphviz's 'dot', which is not on PATH"))
        #expect(run.stdout.isEmpty)
    }

    @Test func outputWithoutRenderIsAUsageError() throws {
        let run = try Moat.run(["check", "--output", "/tmp", "models/dma-iommu.moat"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--render"))
    }
}
