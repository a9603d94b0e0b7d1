import Foundation
import Testing
@testable import Platform

/// Paths inside the package, found from this file so that tests do not depend on the working directory.
enum Repository {
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // PlatformTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }
}

/// The outcome of parsing and validating a source: the platform, or every diagnostic.
struct Outcome {
    var platform: Platform?
    var diagnostics: [Diagnostic]

    var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }

    init(_ source: String, file: String = "test.moat") {
        do {
            let (platform, warnings) = try Platform.parse(source, file: file)
            self.platform = platform
            self.diagnostics = warnings
        } catch {
            self.platform = nil
            self.diagnostics = error.diagnostics
        }
    }

    /// Whether some diagnostic is at `line:column` and its message contains `fragment`.
    func has(_ severity: Diagnostic.Severity = .error, line: Int, column: Int, _ fragment: String) -> Bool {
        diagnostics.contains {
            $0.severity == severity && $0.location.line == line && $0.location.column == column && $0.message.contains(fragment)
        }
    }
}

/// Parses a model that must be valid with no warnings; records an issue otherwise.
func valid(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Platform? {
    let outcome = Outcome(source)
    if outcome.platform == nil || !outcome.diagnostics.isEmpty {
        Issue.record("expected a valid model without warnings, got:\n\(outcome.diagnostics.map(\.description).joined(separator: "\n"))", sourceLocation: sourceLocation)
    }
    return outcome.platform
}

/// Wraps declarations in a platform block: the first line of `body` is line 2 of the file.
func platform(_ body: String, after: String = "") -> String {
    "platform \"test\" {\n" + body + "\n}\n" + after
}

/// The handler body `statements` in a hypercall with parameters a, b, c, d, next to a few regions.
/// The first statement is on line 6 of the file, at column 5.
func hypercall(_ statements: String, extra: String = "") -> String {
    platform("""
      region buf 0x1000 size 4K owner hypervisor
      region hv.data 0x10_0000 size 1M owner hypervisor kind data
      partition g { }
      hypervisor { hypercall 1 "h" (a, b, c, d) {
        \(statements)
      } }
    \(extra)
    """)
}

/// The statements of the one hypercall that `hypercall(_:)` builds, after validation.
func body(_ statements: String, extra: String = "", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Statement]? {
    valid(hypercall(statements, extra: extra), sourceLocation: sourceLocation)?.hypervisor.handlers.first?.body
}

/// The condition of `require EXPR` in a hypercall with parameters a, b, c, d.
func condition(_ expression: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Expr? {
    guard case .require(let e)? = body("require \(expression)", sourceLocation: sourceLocation)?.first?.kind else { return nil }
    return e
}

/// The value of `let x = EXPR` in a hypercall with parameters a, b, c, d.
func value(_ expression: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Expr? {
    guard case .assign(_, let e)? = body("let x = \(expression)", sourceLocation: sourceLocation)?.first?.kind else { return nil }
    return e
}

// Short constructors for expected expression trees (locations are ignored by `sameShape`).
func n(_ value: UInt64) -> Expr { Expr(.number(value)) }
func v(_ name: String) -> Expr { Expr(.name(name)) }
func bin(_ op: BinaryOperator, _ a: Expr, _ b: Expr) -> Expr { Expr(.binary(op, a, b)) }
func un(_ op: UnaryOperator, _ a: Expr) -> Expr { Expr(.unary(op, a)) }

extension Expr {
    /// Structural equality that ignores source locations.
    func sameShape(_ other: Expr) -> Bool {
        switch (kind, other.kind) {
        case (.unary(let o1, let a1), .unary(let o2, let a2)): o1 == o2 && a1.sameShape(a2)
        case (.binary(let o1, let a1, let b1), .binary(let o2, let a2, let b2)): o1 == o2 && a1.sameShape(a2) && b1.sameShape(b2)
        case (.call(let f1, let x1), .call(let f2, let x2)): f1 == f2 && x1.count == x2.count && zip(x1, x2).allSatisfy { $0.sameShape($1) }
        default: kind == other.kind
        }
    }
}
