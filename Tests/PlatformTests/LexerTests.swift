import Testing
@testable import Platform

/// Tokens (without the end token) and diagnostics of a source.
private func lex(_ source: String) -> (tokens: [Token], diagnostics: [Diagnostic]) {
    var lexer = Lexer(source: source, file: "lex.moat")
    var tokens = lexer.tokenize()
    #expect(tokens.last?.kind == .end)
    tokens.removeLast()
    return (tokens, lexer.diagnostics)
}

private func number(_ text: String) -> UInt64? {
    let (tokens, diagnostics) = lex(text)
    guard diagnostics.isEmpty, tokens.count == 1, case .number(let value) = tokens[0].kind else { return nil }
    return value
}

@Suite("Lexer")
struct LexerTests {
    @Test(arguments: [
        ("0", 0),
        ("4096", 4096),
        ("010", 10),  // a leading zero is not octal
        ("0x1F", 0x1F),
        ("0XfF", 0xFF),
        ("0xFEE0_0000", 0xFEE0_0000),
        ("0b101", 5),
        ("0B1_0", 2),
        ("0b1_1010_0000", 0x1A0),
        ("1_000", 1000),
        ("0x_10", 0x10),
        ("0x1_0000_0000", 1 << 32),
        ("4K", 4 << 10),
        ("2M", 2 << 20),
        ("1G", 1 << 30),
        ("1T", 1 << 40),
        ("0x10M", 16 << 20),
        ("0b1K", 1024),
        ("1_024K", 1 << 20),
        ("0xFFFF_FFFF_FFFF_FFFF", UInt64.max),
        ("18446744073709551615", UInt64.max),
        ("16777215T", 0xFF_FFFF << 40),
    ] as [(String, UInt64)])
    func numbers(text: String, expected: UInt64) {
        #expect(number(text) == expected, "\(text)")
    }

    @Test(arguments: [
        ("0x", "malformed number '0x'; expected digits after the prefix"),
        ("0b", "malformed number '0b'; expected digits after the prefix"),
        ("0b102", "malformed number '0b102'; expected binary digits"),
        ("12ab", "malformed number '12ab'; expected decimal digits"),
        ("0x1G0", "malformed number '0x1G0'; expected hexadecimal digits"),
        ("0xZZ", "malformed number '0xZZ'; expected hexadecimal digits"),
        ("4k", "malformed number '4k'"),
        ("4KB", "malformed number '4KB'"),
        ("0x1_0000_0000_0000_0000", "number '0x1_0000_0000_0000_0000' does not fit in 64 bits"),
        ("18446744073709551616", "does not fit in 64 bits"),
        ("0b" + String(repeating: "1", count: 65), "does not fit in 64 bits"),
        ("16777216T", "number '16777216T' does not fit in 64 bits"),
        ("0x4000_0000_0000_0000K", "does not fit in 64 bits"),
    ])
    func badNumbers(text: String, message: String) {
        let (tokens, diagnostics) = lex("region r \(text) size")
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains(message) == true, "\(diagnostics)")
        #expect(diagnostics.first.map { [$0.location.line, $0.location.column] } == [1, 10])
        // The bad number still yields a number token, so the parser reports nothing more.
        #expect(tokens.map(\.text) == ["region", "r", text, "size"])
        #expect(tokens[2].kind == .number(0))
    }

    @Test func aBadNumberGivesOneDiagnosticEndToEnd() {
        let outcome = Outcome(platform("region r 0x1000zz size 4K"))
        #expect(outcome.errors.count == 1)
        #expect(outcome.has(line: 2, column: 10, "malformed number '0x1000zz'"))
    }

    @Test(arguments: [
        ("hv.code", ["hv.code"]),
        ("root.vtl1", ["root.vtl1"]),
        ("smram.tseg.size", ["smram.tseg.size"]),
        ("use-io-bitmaps", ["use-io-bitmaps"]),
        ("dst-len", ["dst-len"]),
        ("r-x", ["r-x"]),
        ("rw-", ["rw-"]),
        ("_x9", ["_x9"]),
        ("d_lck", ["d_lck"]),
        ("a.b_c.d-e", ["a.b_c.d-e"]),
        ("a.9", ["a.9"]),
        ("a._b", ["a._b"]),
        ("données", ["données"]),
    ])
    func names(text: String, expected: [String]) {
        let (tokens, diagnostics) = lex(text)
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.identifier) == expected.map { Optional($0) })
    }

    @Test(arguments: [
        ("a->b", ["a", "->", "b"]),
        ("g1.ram->x", ["g1.ram", "->", "x"]),
        ("a-->b", ["a-", "->", "b"]),
        ("a..b", ["a", "..", "b"]),
        ("0x70..0x71", ["0x70", "..", "0x71"]),
        ("1..2", ["1", "..", "2"]),
        ("a - b", ["a", "-", "b"]),
        ("-w-", ["-", "w-"]),
        ("--x", ["-", "-", "x"]),
        ("a<=b", ["a", "<=", "b"]),
        ("x<<2>>1", ["x", "<<", "2", ">>", "1"]),
        ("a&&b||!c", ["a", "&&", "b", "||", "!", "c"]),
        ("a==b!=c", ["a", "==", "b", "!=", "c"]),
        ("a>=b>c<d", ["a", ">=", "b", ">", "c", "<", "d"]),
        ("{}()[],;=+*&|^~/%:", ["{", "}", "(", ")", "[", "]", ",", ";", "=", "+", "*", "&", "|", "^", "~", "/", "%", ":"]),
    ])
    func symbolsAndSplitting(text: String, expected: [String]) {
        let (tokens, diagnostics) = lex(text)
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == expected)
    }

    @Test func twoCharacterSymbolsAreSymbols() {
        let (tokens, _) = lex("-> .. << >> == != <= >= && ||")
        #expect(tokens.map(\.kind) == ["->", "..", "<<", ">>", "==", "!=", "<=", ">=", "&&", "||"].map { .symbol($0) })
    }

    @Test func aDotNotFollowedByANameCharacterEndsTheName() {
        let (tokens, diagnostics) = lex("x. y")
        #expect(tokens.map(\.text) == ["x", "y"])
        #expect(diagnostics.map(\.message) == ["unexpected character '.'; expected a name, a number, a string or an operator"])
        #expect(diagnostics.first?.location.column == 2)
    }

    @Test func commentsOfAllThreeKindsAreSkippedAndPositionsStayExact() {
        let source = "# a comment\nregion // another\n/* a block\n   comment */ size # end\n\tkind"
        let (tokens, diagnostics) = lex(source)
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["region", "size", "kind"])
        #expect(tokens.map { [$0.location.line, $0.location.column] } == [[2, 1], [4, 15], [5, 2]])
        #expect(tokens.map(\.startsLine) == [true, true, true])
    }

    @Test func aHashOrSlashesInsideAStringAreNotComments() {
        let (tokens, _) = lex(#""a # b // c" d"#)
        #expect(tokens.map(\.kind) == [.string("a # b // c"), .identifier("d")])
    }

    @Test func blockCommentsDoNotNest() {
        let (tokens, diagnostics) = lex("/* a /* b */ c */")
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.text) == ["c", "*", "/"])
    }

    @Test func unterminatedCommentIsReportedWhereItStarts() {
        let (tokens, diagnostics) = lex("region a\n  x /* never\n closed")
        #expect(tokens.map(\.text) == ["region", "a", "x"])
        #expect(diagnostics.map(\.message) == ["unterminated comment; expected '*/' before the end of the file"])
        #expect(diagnostics.first.map { [$0.location.line, $0.location.column] } == [2, 5])
    }

    @Test func stringsAndEscapes() {
        let (tokens, diagnostics) = lex(#""VBS \"baseline\"\n\tx\\y\q""#)
        #expect(diagnostics.isEmpty)
        #expect(tokens.map(\.kind) == [.string("VBS \"baseline\"\n\tx\\yq")])
    }

    @Test func unterminatedStringIsReportedAtItsQuoteAndStopsAtTheLineEnd() {
        let (tokens, diagnostics) = lex("property \"abc\nnext")
        #expect(diagnostics.map(\.message) == ["unterminated string; expected a closing '\"' on the same line"])
        #expect(diagnostics.first.map { [$0.location.line, $0.location.column] } == [1, 10])
        #expect(tokens.map(\.kind) == [.identifier("property"), .string("abc"), .identifier("next")])
        #expect(tokens[2].location.line == 2)
    }

    @Test(arguments: [
        ("region @a", 1, 8, "@"),
        ("x\n  $", 2, 3, "$"),
        ("\ta 'b'", 1, 4, "\\'"),
        ("a ` b", 1, 3, "`"),
        ("é → x", 1, 3, "\\u{2192}"),
    ])
    func badCharacters(source: String, line: Int, column: Int, shown: String) {
        let (_, diagnostics) = lex(source)
        #expect(diagnostics.first?.message == "unexpected character '\(shown)'; expected a name, a number, a string or an operator")
        #expect(diagnostics.first.map { [$0.location.line, $0.location.column] } == [line, column])
    }

    @Test func columnsCountScalarsAndTabsAsOne() {
        let (tokens, _) = lex("\t\"ünï\" x\r\n y")
        #expect(tokens.map { [$0.location.line, $0.location.column] } == [[1, 2], [1, 8], [2, 2]])
    }

    @Test func theEndTokenIsAfterTheLastCharacter() {
        var lexer = Lexer(source: "a\nbc ", file: "f")
        let end = lexer.tokenize().last!
        #expect(end.kind == .end)
        #expect([end.location.line, end.location.column] == [2, 4])
    }

    @Test func diagnosticsPrintLikeACompiler() {
        let outcome = Outcome("platform \"p\" { @ }", file: "dir/m.moat")
        #expect(outcome.diagnostics.map(\.description) == ["dir/m.moat:1:16: error: unexpected character '@'; expected a name, a number, a string or an operator"])
    }
}
