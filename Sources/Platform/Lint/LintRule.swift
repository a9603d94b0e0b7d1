/// A configuration check that needs no search: a stable id (`MOAT-L001`…), a short name, the
/// severity of its findings, and what to do about them.
public struct LintRule: Hashable, Sendable, Identifiable {
    /// The stable id, `MOAT-Lnnn`. Ids are never reused for another meaning.
    public var id: String
    /// A kebab-case name (`smrr-off`).
    public var name: String
    /// How serious a finding is: `error` makes `moat lint` exit 1.
    public var severity: Diagnostic.Severity
    /// One sentence: what is wrong.
    public var summary: String
    /// Why it matters and how to fix it.
    public var help: String

    public init(id: String, name: String, severity: Diagnostic.Severity, summary: String, help: String) {
        self.id = id
        self.name = name
        self.severity = severity
        self.summary = summary
        self.help = help
    }
}

/// One place in a model where a rule applies.
public struct LintFinding: Hashable, Sendable, CustomStringConvertible {
    public var rule: LintRule
    public var severity: Diagnostic.Severity
    public var location: SourceLocation
    public var message: String

    public init(_ rule: LintRule, at location: SourceLocation, _ message: String, severity: Diagnostic.Severity? = nil) {
        self.rule = rule
        self.severity = severity ?? rule.severity
        self.location = location
        self.message = message
    }

    /// The finding as a compiler-style diagnostic, the rule id in brackets at the end.
    public var diagnostic: Diagnostic { Diagnostic(severity, at: location, "\(message) [\(rule.id)]") }

    /// `file:line:column: severity: message [MOAT-Lnnn]`.
    public var description: String { diagnostic.description }
}
