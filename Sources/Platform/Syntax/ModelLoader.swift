#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension Platform {
    /// Parses and validates `.moat` text.
    ///
    /// - Parameters:
    ///   - source: the model text.
    ///   - file: the name used in diagnostics (`file:line:column`).
    /// - Returns: the platform and any warnings.
    /// - Throws: `ModelError` with every error (and warning) found, in source order.
    public static func parse(_ source: String, file: String) throws(ModelError) -> (platform: Platform, warnings: [Diagnostic]) {
        var lexer = Lexer(source: source, file: file)
        let tokens = lexer.tokenize()
        var parser = Parser(tokens: tokens, file: file)
        let syntax = parser.parseFile()
        var diagnostics = lexer.diagnostics + parser.diagnostics
        guard let syntax, !diagnostics.contains(where: { $0.severity == .error }) else {
            throw ModelError(diagnostics)
        }
        var validator = Validator(syntax)
        let platform = validator.validate()
        diagnostics += validator.diagnostics
        if diagnostics.contains(where: { $0.severity == .error }) {
            throw ModelError(diagnostics)
        }
        return (platform, ModelError(diagnostics).diagnostics)
    }

    /// Reads, parses and validates a `.moat` file.
    ///
    /// - Throws: `ModelError`, including for a file that cannot be read or is not UTF-8.
    public static func load(path: String) throws(ModelError) -> (platform: Platform, warnings: [Diagnostic]) {
        let location = SourceLocation(file: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError([.error(location, "cannot read the file; expected a readable .moat file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ModelError([.error(location, "the file is not UTF-8 text; expected a .moat model")])
        }
        return try parse(text, file: path)
    }
}
