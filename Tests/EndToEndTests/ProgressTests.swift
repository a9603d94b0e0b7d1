import Foundation
import Testing

/// The progress line on standard error, --quiet and NO_COLOR.
@Suite struct ProgressTests {
    @Test func alwaysShowsAnUpdatingLineThatIsErasedAtTheEnd() throws {
        let run = try Moat.run(["check", "--progress", "always", "models/overlapping-mapping.moat"])
        #expect(run.stderr.hasPrefix("\r\u{1B}[Kchecking 1/5: guest1 cannot read guest2…"))
        #expect(run.stderr.contains("\r\u{1B}[Kchecking 5/5: "))
        #expect(run.stderr.hasSuffix("\r\u{1B}[K"))
        #expect(!run.stdout.contains("checking"))
    }

    @Test func autoAndNeverShowNothingWhenStandardErrorIsNotATerminal() throws {
        for choice in ["auto", "never"] {
            let run = try Moat.run(["check", "--progress", choice, "models/overlapping-mapping.moat"])
            #expect(run.stderr.isEmpty, "\(choice): \(run.stderr)")
        }
    }

    @Test func quietPrintsOnlyTheSummary() throws {
        let run = try Moat.run(["check", "--quiet", "models/overlapping-mapping.moat"])
        #expect(run.status == 1)
        #expect(run.stdout == "5 properties: 2 proved, 3 attacks, 0 unknown\n")
        let bad = try Moat.run(["check", "-q", "Tests/EndToEndTests/Inputs/malformed/05-bad-hex.moat"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("error: malformed number"), "errors are still printed")
    }

    @Test func noColorWinsOverAutoButNotOverAlways() throws {
        let auto = try Moat.run(["check", "models/overlapping-mapping.moat"], environment: ["NO_COLOR": "1"])
        #expect(!auto.stdout.contains("\u{1B}["))
        let always = try Moat.run(["check", "--color", "always", "models/overlapping-mapping.moat"], environment: ["NO_COLOR": "1"])
        #expect(always.stdout.contains("\u{1B}["))
    }
}
