import Foundation
import Testing

@testable import Platform

/// Replays the committed fuzzing corpus (Fuzz/corpus) through the parser and validator, as
/// the libFuzzer target does: every input gives a platform or located diagnostics, never a crash.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()
    }

    @Test func theCorpusIsThere() {
        #expect(Self.files.count >= 50)
    }

    @Test(arguments: files)
    func corpusInputParsesOrFailsWithLocatedDiagnostics(file: String) throws {
        let data = try Data(contentsOf: Self.corpus.appendingPathComponent(file))
        let text = String(decoding: data, as: UTF8.self)
        do {
            let (platform, _) = try Platform.parse(text, file: file)
            _ = platform.standardProperties
        } catch {
            #expect(!error.diagnostics.isEmpty)
            for d in error.diagnostics {
                #expect(!d.message.isEmpty)
                #expect(d.location.line >= 1 && d.location.column >= 1, "\(d)")
            }
        }
    }
}
