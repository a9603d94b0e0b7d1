import ArgumentParser
import Checker
import Foundation
import Platform

/// `moat export-smt`: the SMT-LIB2 queries a property's verdict rests on, for another solver.
struct ExportSMT: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-smt",
        abstract: "Write the SMT-LIB2 queries a property's verdict rests on, for a second solver to re-decide.",
        discussion: """
            Each query stands alone (set-logic … check-sat, then reset) after a comment \
            '; expect: sat|unsat|unknown' with Z3's answer. A model without properties exports \
            its standard questions (moat check --standard names them).

            Exit status: 0 written, 2 bad input (unreadable model, unknown property).
            """
    )

    @Argument(help: "The model file (.moat).", completion: .file(extensions: ["moat"]))
    var file: String

    @Option(help: "The property's name, as in the model (or a standard question's, 'standard: CLAIM').")
    var property: String

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.", completion: .file(extensions: ["smt2"]))
    var output: String?

    func run() throws {
        var platform: Platform
        do {
            platform = try Platform.load(path: file).platform
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        let candidates = platform.properties + platform.standardProperties
        guard let chosen = candidates.first(where: { $0.name == property }) else {
            let names = candidates.map { "  \($0.name)" }.joined(separator: "\n")
            printError("error: \(file) has no property named \"\(property)\"; expected one of:\n\(names)")
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        platform.properties = [chosen]
        let text: String
        do {
            text = try Checker(platform: platform).smtlib(for: chosen)
        } catch {
            printError("error: the export failed: \(error)")
            throw ExitCode(ExitStatus.badInput.rawValue)
        }
        if let output {
            do {
                try text.write(toFile: output, atomically: true, encoding: .utf8)
            } catch {
                printError("error: cannot write \(output): \(error.localizedDescription)")
                throw ExitCode(ExitStatus.badInput.rawValue)
            }
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
