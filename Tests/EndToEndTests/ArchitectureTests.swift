import Foundation
import Testing

/// The boundaries of the design: only SMT touches Z3; Checker and Machine stay independent.
@Suite struct ArchitectureTests {
    static func sources(of target: String) -> [(path: String, text: String)] {
        let directory = Moat.root.appendingPathComponent("Sources/\(target)")
        guard let enumerator = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        return enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().compactMap { relative in
            let path = directory.appendingPathComponent(relative).path
            return (try? String(contentsOfFile: path, encoding: .utf8)).map { ("\(target)/\(relative)", $0) }
        }
    }

    static let targets = ["Platform", "Machine", "Checker", "Report", "moat"]

    @Test(arguments: targets)
    func noZ3OutsideSMT(target: String) {
        let files = Self.sources(of: target)
        #expect(!files.isEmpty)
        for file in files {
            #expect(!file.text.contains("import CZ3"), "\(file.path) imports CZ3")
            #expect(file.text.range(of: #"\bZ3_[a-z]"#, options: .regularExpression) == nil, "\(file.path) calls Z3")
        }
    }

    @Test func checkerAndMachineDoNotImportEachOther() {
        for file in Self.sources(of: "Checker") {
            #expect(!file.text.contains("import Machine"), "\(file.path)")
        }
        for file in Self.sources(of: "Machine") {
            #expect(!file.text.contains("import Checker"), "\(file.path)")
            #expect(!file.text.contains("import SMT"), "\(file.path)")
        }
    }

    @Test func platformAndReportImportNeitherSide() {
        for target in ["Platform", "Report"] {
            for file in Self.sources(of: target) {
                for module in ["Checker", "Machine", "SMT"] {
                    #expect(!file.text.contains("import \(module)"), "\(file.path) imports \(module)")
                }
            }
        }
    }
}
