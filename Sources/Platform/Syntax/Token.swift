/// One lexical token of a `.moat` file.
struct Token: Hashable, Sendable, CustomStringConvertible {
    enum Kind: Hashable, Sendable {
        /// A name: letters, digits, `_` and `-`, with `.` between parts (`hv.code`, `root.vtl1`, `use-io-bitmaps`).
        case identifier(String)
        /// An integer literal, already scaled by its K/M/G/T suffix.
        case number(UInt64)
        /// A double-quoted string.
        case string(String)
        /// Punctuation and operators: `{ } ( ) [ ] , ; -> .. + - * & | ^ ~ ! << >> == != < <= > >= && || =`.
        case symbol(String)
        case end
    }

    var kind: Kind
    var location: SourceLocation
    /// The text as written.
    var text: String
    /// Offset (in scalars) of the first character and one past the last, to tell adjacent tokens apart.
    var start: Int
    var end: Int
    /// Whether this token is the first on its line.
    var startsLine: Bool

    var description: String {
        switch kind {
        case .identifier(let name): "'\(name)'"
        case .number: "number \(text)"
        case .string(let s): "string \"\(s)\""
        case .symbol(let s): "'\(s)'"
        case .end: "end of file"
        }
    }

    var identifier: String? {
        if case .identifier(let name) = kind { return name }
        return nil
    }

    func isSymbol(_ s: String) -> Bool { kind == .symbol(s) }
    func isKeyword(_ k: String) -> Bool { kind == .identifier(k) }
}
