import Foundation
import Testing

/// `moat sweep`: shards, resuming, Slurm and Kubernetes indices, and merging.
@Suite struct SweepCommandTests {
    static let model = "models/smrr-cache-poisoning.moat"
    static let vary = ["--vary", "smm.smrr=on,off", "--vary", "smm.lock=on,off", "--vary", "io.root.vtl0.0xB2=pass,exit"]

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("moat-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func sweep(_ extra: [String], environment: [String: String] = [:]) throws -> MoatRun {
        try Moat.run(["sweep", model] + vary + ["--no-timings"] + extra, environment: environment)
    }

    @Test func threeShardsMergedGiveTheTableOfOneRun() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole.jsonl").path
        #expect(try Self.sweep(["--output", whole]).status == 0)
        var shards: [String] = []
        for i in 0..<3 {
            let path = directory.appendingPathComponent("shard\(i).jsonl").path
            let run = try Self.sweep(["--shard", "\(i)/3", "--output", path])
            #expect(run.status == 0, "\(run.stderr)")
            shards.append(path)
        }
        for format in ["csv", "json"] {
            let one = try Moat.run(["sweep", "--merge", whole, "--format", format])
            let merged = try Moat.run(["sweep", "--merge", "--format", format] + shards.reversed() + [shards[0]])
            #expect(one.status == 0 && merged.status == 0, "\(merged.stderr)")
            #expect(merged.stdout == one.stdout)
        }
        let csv = try Moat.run(["sweep", "--merge", whole]).stdout
        #expect(csv.split(separator: "\n").count == 9)
        #expect(csv.contains("4,smm.smrr=off smm.lock=on io.root.vtl0.0xB2=pass,off,on,pass,attack:5,attack:4,0,2,0\n"))
        #expect(csv.contains("5,smm.smrr=off smm.lock=on io.root.vtl0.0xB2=exit,off,on,exit,proved,proved,2,0,0\n"))
    }

    @Test func theOutputResumesWhereItStopped() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.jsonl").path
        #expect(try Self.sweep(["--shard", "0/2", "--output", path]).status == 0)
        // A run killed mid-line leaves a partial record.
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data("{\"schemaVersion\":1,\"swe".utf8))
        try handle.close()
        #expect(try Self.sweep(["--output", path]).status == 0)
        let again = try Self.sweep(["--output", path])
        #expect(again.status == 0)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let ids = text.split(separator: "\n").compactMap { line -> Int? in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return object["variantId"] as? Int
        }
        #expect(ids.sorted() == Array(0..<8))
        let merged = try Moat.run(["sweep", "--merge", path])
        #expect(merged.stderr.contains("skipped 1 line"))
    }

    @Test func anotherSweepsOutputIsNotMixedIn() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("out.jsonl").path
        #expect(try Self.sweep(["--shard", "0/4", "--output", path]).status == 0)
        let other = try Moat.run(["sweep", Self.model, "--vary", "smm.smrr=on,off", "--output", path])
        #expect(other.status == 2)
        #expect(other.stderr.contains("holds results of another sweep"))
    }

    @Test func slurmAndKubernetesIndicesPickTheShard() throws {
        let byFlag = try Self.sweep(["--shard", "1/3"]).stdout
        #expect(byFlag.split(separator: "\n").count == 3)
        let slurm = try Self.sweep([], environment: ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"])
        #expect(slurm.stdout == byFlag)
        let kubernetes = try Self.sweep(["--shard-count", "3"], environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(kubernetes.stdout == byFlag)
        let countFromEnvironment = try Self.sweep([], environment: ["JOB_COMPLETION_INDEX": "1", "JOB_COMPLETION_COUNT": "3"])
        #expect(countFromEnvironment.stdout == byFlag)
        let noCount = try Self.sweep([], environment: ["JOB_COMPLETION_INDEX": "1"])
        #expect(noCount.status == 2)
        #expect(noCount.stderr.contains("--shard-count"))
    }

    @Test(.enabled(if: Python.hasJSONSchema, "python3 with the jsonschema package is not installed"))
    func everyLineMatchesTheSweepSchema() throws {
        let run = try Moat.run(["sweep", "models/hvci-wx-split.moat", "--vary", "map.root.vtl0.1=rw,rwx", "--vary", "hypervisor.scrub-on-free=on,off"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[2].contains("\"verdict\":\"attack\""), "rw→rwx on k.data breaks HVCI")
        for line in lines {
            let result = try Python.run(["-c", Python.validateJSONSchema, "docs/schema/moat-sweep.v1.json"], input: String(line))
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test(arguments: [
        (["sweep", "models/dma-iommu.moat"], "--vary"),
        (["sweep", "models/dma-iommu.moat", "--vary", "smm.bogus=on"], "unknown sweep key"),
        (["sweep", "models/dma-iommu.moat", "--vary", "map.root.9=rw"], "mapping"),
        (["sweep", "models/dma-iommu.moat", "--vary", "smm.lock=on,off", "--shard", "3/3"], "--shard '3/3'"),
        (["sweep", "--merge"], "--merge expects"),
    ])
    func badSweepsExitTwo(arguments: [String], fragment: String) throws {
        let run = try Moat.run(arguments)
        #expect(run.status == 2)
        #expect(run.stderr.contains(fragment), "\(run.stderr)")
    }
}
