/// Turns `.moat` text into tokens. Comments run from `#` or `//` to the end of the line,
/// or between `/*` and `*/`. Errors are collected, not thrown, so that one run reports several.
struct Lexer {
    private let scalars: [Unicode.Scalar]
    private let file: String
    private var index = 0
    private var line = 1
    private var column = 1
    private var sawTokenOnLine = false
    private(set) var diagnostics: [Diagnostic] = []

    init(source: String, file: String) {
        self.scalars = Array(source.unicodeScalars)
        self.file = file
    }

    private static let symbols2: Set<String> = ["->", "..", "<<", ">>", "==", "!=", "<=", ">=", "&&", "||"]
    private static let symbols1: Set<Unicode.Scalar> = [
        "{", "}", "(", ")", "[", "]", ",", ";", "+", "-", "*", "&", "|", "^", "~", "!", "<", ">", "=", "/", "%", ":",
    ]

    mutating func tokenize() -> [Token] {
        var tokens: [Token] = []
        while true {
            skipTrivia()
            let location = SourceLocation(file: file, line: line, column: column)
            let startsLine = !sawTokenOnLine
            let start = index
            guard let c = peek() else {
                tokens.append(Token(kind: .end, location: location, text: "", start: start, end: start, startsLine: true))
                return tokens
            }
            var kind: Token.Kind?
            if c.properties.isAlphabetic || c == "_" {
                kind = .identifier(lexIdentifier())
            } else if ("0"..."9").contains(c) {
                kind = lexNumber(at: location, start: start)
            } else if c == "\"" {
                kind = lexString(at: location)
            } else if let two = peekString(2), Lexer.symbols2.contains(two) {
                advance(); advance()
                kind = .symbol(two)
            } else if Lexer.symbols1.contains(c) {
                advance()
                kind = .symbol(String(c))
            } else {
                advance()
                diagnostics.append(.error(location, "unexpected character '\(c.escaped(asASCII: true))'; expected a name, a number, a string or an operator"))
            }
            if let kind {
                let text = String(String.UnicodeScalarView(scalars[start..<index]))
                tokens.append(Token(kind: kind, location: location, text: text, start: start, end: index, startsLine: startsLine))
                sawTokenOnLine = true
            }
        }
    }

    // MARK: - Pieces

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private func peekString(_ n: Int) -> String? {
        guard index + n <= scalars.count else { return nil }
        return String(String.UnicodeScalarView(scalars[index..<index + n]))
    }

    private mutating func advance() {
        if scalars[index] == "\n" {
            line += 1
            column = 1
            sawTokenOnLine = false
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func skipTrivia() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                advance()
            } else if c == "#" || (c == "/" && peek(1) == "/") {
                while let d = peek(), d != "\n" { advance() }
            } else if c == "/" && peek(1) == "*" {
                let location = SourceLocation(file: file, line: line, column: column)
                advance(); advance()
                var closed = false
                while peek() != nil {
                    if peek() == "*" && peek(1) == "/" {
                        advance(); advance()
                        closed = true
                        break
                    }
                    advance()
                }
                if !closed {
                    diagnostics.append(.error(location, "unterminated comment; expected '*/' before the end of the file"))
                }
            } else {
                return
            }
        }
    }

    private static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "-"
    }

    private mutating func lexIdentifier() -> String {
        var name = ""
        while let c = peek() {
            if Lexer.isNameChar(c) {
                // A '-' followed by '>' is the mapping arrow, not part of a name.
                if c == "-" && peek(1) == ">" { break }
                name.unicodeScalars.append(c)
                advance()
            } else if c == ".", let next = peek(1), next.properties.isAlphabetic || next == "_" || ("0"..."9").contains(next) {
                name.unicodeScalars.append(c)
                advance()
            } else {
                break
            }
        }
        return name
    }

    private mutating func lexNumber(at location: SourceLocation, start: Int) -> Token.Kind {
        var digits = ""
        var radix = 10
        if peek() == "0", let x = peek(1), x == "x" || x == "X" {
            radix = 16
            advance(); advance()
        } else if peek() == "0", let b = peek(1), b == "b" || b == "B" {
            radix = 2
            advance(); advance()
        }
        while let c = peek() {
            if c == "_" {
                advance()
            } else if c.properties.isASCIIHexDigit || c.properties.isAlphabetic || ("0"..."9").contains(c) {
                digits.unicodeScalars.append(c)
                advance()
            } else {
                break
            }
        }
        // A trailing K/M/G/T (binary units) scales the value; in hex, only if what precedes is a valid number.
        var scale: UInt64 = 1
        if let last = digits.unicodeScalars.last, let s = Lexer.unitScale[last] {
            let body = String(digits.unicodeScalars.dropLast())
            if !body.isEmpty {
                scale = s
                digits = body
            }
        }
        let written = String(String.UnicodeScalarView(scalars[start..<index]))
        // After an error the token is still a number (0), so the parser does not report it again.
        guard !digits.isEmpty else {
            diagnostics.append(.error(location, "malformed number '\(written)'; expected digits after the prefix"))
            return .number(0)
        }
        guard let value = UInt64(digits, radix: radix) else {
            let isDigit: (Unicode.Scalar) -> Bool = switch radix {
            case 16: { $0.properties.isASCIIHexDigit }
            case 2: { $0 == "0" || $0 == "1" }
            default: { ("0"..."9").contains($0) }
            }
            if digits.unicodeScalars.allSatisfy(isDigit) {
                diagnostics.append(.error(location, "number '\(written)' does not fit in 64 bits"))
            } else {
                diagnostics.append(.error(location, "malformed number '\(written)'; expected \(radix == 16 ? "hexadecimal digits" : radix == 2 ? "binary digits" : "decimal digits") with an optional K, M, G or T suffix"))
            }
            return .number(0)
        }
        let (scaled, overflow) = value.multipliedReportingOverflow(by: scale)
        if overflow {
            diagnostics.append(.error(location, "number '\(written)' does not fit in 64 bits"))
            return .number(0)
        }
        return .number(scaled)
    }

    private static let unitScale: [Unicode.Scalar: UInt64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]

    private mutating func lexString(at location: SourceLocation) -> Token.Kind {
        advance()
        var value = ""
        while let c = peek() {
            if c == "\"" {
                advance()
                return .string(value)
            }
            if c == "\n" { break }
            if c == "\\", let next = peek(1) {
                advance(); advance()
                switch next {
                case "n": value += "\n"
                case "t": value += "\t"
                default: value.unicodeScalars.append(next)
                }
                continue
            }
            value.unicodeScalars.append(c)
            advance()
        }
        diagnostics.append(.error(location, "unterminated string; expected a closing '\"' on the same line"))
        // The text up to the end of the line is still a string, so the parser does not report it again.
        return .string(value)
    }
}
