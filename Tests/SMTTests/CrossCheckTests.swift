import Foundation
import SMT
import Testing

/// cvc5, through the Python bindings of the PyPI package `cvc5`, as a second
/// opinion on exported SMT-LIB text. Tests that need it are skipped where it is
/// not installed (`pip install cvc5`).
enum CVC5 {
    static let script = """
        import sys, cvc5
        tm = cvc5.TermManager(); solver = cvc5.Solver(tm); symbols = cvc5.SymbolManager(tm)
        parser = cvc5.InputParser(solver, symbols)
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, sys.stdin.read(), "query")
        while True:
            command = parser.nextCommand()
            if command.isNull(): break
            sys.stdout.write(command.invoke(solver, symbols))
        """

    static let isAvailable: Bool = (try? run(["-c", "import cvc5"], input: "").status) == 0

    /// cvc5's output for an SMT-LIB script, and its exit status.
    static func check(_ text: String) throws -> (output: String, status: Int32) {
        try run(["-c", script], input: text)
    }

    private static func run(_ arguments: [String], input: String) throws -> (output: String, status: Int32) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (String(decoding: output, as: UTF8.self), process.terminationStatus)
    }
}

@Suite(.enabled(if: CVC5.isAvailable, "cvc5 (pip install cvc5) is not installed"))
struct CrossCheckTests {
    @Test(arguments: queries)
    func cvc5AgreesWithZ3OnTheExportedQuery(query: Query) throws {
        let context = try Context()
        let solver = try context.makeSolver(logic: "QF_BV")
        query.build(context, solver)
        let text = solver.smtlib2()
        let (output, status) = try CVC5.check(text)
        #expect(status == 0, "cvc5 rejected:\n\(text)")
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == (query.sat ? "sat" : "unsat"))
    }

    @Test func cvc5AcceptsAnExportWithoutALogic() throws {
        let context = try Context()
        let solver = try context.makeSolver()
        let x = context.bvConst("x", width: 8)
        solver.assert(x.multiplyOverflows(context.bv(2, width: 8)))
        let (output, status) = try CVC5.check(solver.smtlib2())
        #expect(status == 0)
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == "sat")
    }
}
