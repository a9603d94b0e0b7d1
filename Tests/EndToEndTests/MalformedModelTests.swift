import Foundation
import Testing

/// Each file in Inputs/malformed starts with `# expect: LINE:COLUMN: MESSAGE`: moat must exit
/// with status 2 and print `FILE:LINE:COLUMN: error: MESSAGE…` on standard error.
@Suite struct MalformedModelTests {
    static let directory = Moat.inputs.appendingPathComponent("malformed")

    static var files: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".moat") }.sorted()
    }

    @Test func thereAreAtLeastTwentyKinds() {
        #expect(Self.files.count >= 20)
    }

    @Test(arguments: files)
    func malformedModelGivesALocatedError(file: String) throws {
        let path = Self.directory.appendingPathComponent(file).path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let header = try #require(text.split(separator: "\n").first.map(String.init))
        let expectation = try #require(header.hasPrefix("# expect: ") ? String(header.dropFirst(10)) : nil, "\(file) lacks an expect header")
        let run = try Moat.run(["check", path])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty || !run.stdout.contains("proved"))
        let location = expectation.prefix { $0 != " " }  // "LINE:COLUMN:"
        let message = expectation.dropFirst(location.count + 1)
        #expect(run.stderr.contains("\(path):\(location) error: \(message)"), "stderr was:\n\(run.stderr)")
    }
}
