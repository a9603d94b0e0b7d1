import Foundation
@testable import Platform
import Testing

/// The generator makes valid platforms, and the printer's text parses back to them.
@Suite("Generated platforms")
struct RoundTripTests {
    /// Parses printed text, or records the diagnostics.
    static func reparse(_ platform: Platform) -> Platform? {
        let text = MoatPrinter.print(platform)
        do {
            return try Platform.parse(text, file: "generated.moat").platform
        } catch {
            Issue.record("the printed platform does not parse:\n\(error)\n\(text)")
            return nil
        }
    }

    @Test(arguments: 0..<200)
    func printedPlatformsParseBackToThemselves(seed: Int) {
        var generator = PlatformGenerator(seed: UInt64(seed))
        let platform = generator.generate(name: "seed \(seed)")
        guard let back = Self.reparse(platform) else { return }
        #expect(back.normalized == platform.normalized, "\(MoatPrinter.print(platform))")
    }

    @Test func theShippedModelsPrintAndParseBack() throws {
        for file in ["two-guests.moat", "every-construct.moat", "vbs-baseline.moat"] {
            let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
            let platform = try Platform.load(path: "/" + path + "/models/" + file).platform
            let back = Self.reparse(platform)
            #expect(back?.normalized == platform.normalized, "\(file)")
        }
    }
}
