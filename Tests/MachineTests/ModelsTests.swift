import Foundation
import Platform
import Testing
@testable import Machine

/// The models shipped in models/ build into machines, and the checker's witnesses for
/// them replay as the report prints them.
@Suite("The shipped models")
struct ModelsTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".moat") }.sorted()
    }

    static func load(_ file: String) throws -> Platform {
        try Platform.load(path: directory.appendingPathComponent(file).path).platform
    }

    @Test(arguments: files)
    func everyModelBuilds(file: String) throws {
        let platform = try Self.load(file)
        let machine = try PlatformMachine(platform: platform)
        for partition in platform.partitions {
            for vtl in partition.vtls {
                let processor = try #require(machine.processors[.vtl(partition: partition.name, level: vtl.level)])
                if let root = Layout.eptRoot(of: vtl, in: platform) { #expect(processor.tables.root == root) }
                if let vmcs = Layout.vmcs(of: vtl, in: platform) { #expect(processor.vmcs == vmcs) }
            }
        }
    }

    /// The witnesses `moat check` prints for models/overlapping-mapping.moat.
    @Test func theOverlappingMappingWitnessesReplay() throws {
        let platform = try Self.load("overlapping-mapping.moat")
        let replayer = Replayer(platform: platform)
        let read = step(guest1, .access(.read, gpa: 0x100_0000, hpa: 0x2000_3000, userMode: false))
        let write = step(guest1, .access(.write, gpa: 0x100_0000, hpa: 0x2000_3000, userMode: false))
        let run = step(guest2, .access(.execute, gpa: 0x3000, hpa: 0x2000_3000, userMode: false))
        for property in platform.properties {
            let steps: [Step] = switch property.goal {
            case .read: [read]
            case .write: [write]
            case .exec: [write, run]
            case .dos: []
            }
            let validation = replayer.replay(Trace(property: property, steps: steps))
            let breaks = property.attacker == guest1 && property.goal.target == .partition("guest2")
            #expect(validation.isConfirmed == breaks, "\(property.claim): \(validation.text)")
        }
    }
}
