/// A recursive-descent parser for `.moat` files. It reports several errors per run: after
/// an error it skips to the next line that starts a declaration or statement at the same depth.
struct Parser {
    var tokens: [Token]
    var position = 0
    var diagnostics: [Diagnostic] = []
    let file: String

    init(tokens: [Token], file: String) {
        self.tokens = tokens
        self.file = file
    }

    var current: Token { tokens[position] }

    func peek(_ offset: Int = 1) -> Token { tokens[min(position + offset, tokens.count - 1)] }

    var atNumber: Bool {
        if case .number = current.kind { return true }
        return false
    }

    mutating func advance() {
        if position < tokens.count - 1 { position += 1 }
    }

    // MARK: - Expectations

    func failure(_ expected: String, at token: Token? = nil) -> Diagnostic {
        let t = token ?? current
        return .error(t.location, "expected \(expected), found \(t.description)")
    }

    mutating func accept(keyword: String) -> Bool {
        guard current.isKeyword(keyword) else { return false }
        advance()
        return true
    }

    mutating func accept(symbol: String) -> Bool {
        guard current.isSymbol(symbol) else { return false }
        advance()
        return true
    }

    mutating func expect(keyword: String, _ context: String = "") throws(Diagnostic) {
        guard accept(keyword: keyword) else { throw failure("'\(keyword)'\(context)") }
    }

    mutating func expect(symbol: String, _ context: String = "") throws(Diagnostic) {
        guard accept(symbol: symbol) else { throw failure("'\(symbol)'\(context)") }
    }

    mutating func expectName(_ what: String) throws(Diagnostic) -> Name {
        guard let text = current.identifier else { throw failure(what) }
        let name = Name(text: text, location: current.location)
        advance()
        return name
    }

    mutating func expectNumber(_ what: String) throws(Diagnostic) -> UInt64 {
        guard case .number(let value) = current.kind else { throw failure(what) }
        advance()
        return value
    }

    mutating func expectString(_ what: String) throws(Diagnostic) -> String {
        guard case .string(let value) = current.kind else { throw failure(what) }
        advance()
        return value
    }

    mutating func optionalString() -> String? {
        guard case .string(let value) = current.kind else { return nil }
        advance()
        return value
    }

    /// `on` or `off` (also `true`/`false`, `yes`/`no`).
    mutating func expectSwitch(_ setting: String) throws(Diagnostic) -> Bool {
        switch current.identifier {
        case "on", "true", "yes", "enabled":
            advance()
            return true
        case "off", "false", "no", "disabled":
            advance()
            return false
        default:
            throw failure("'on' or 'off' after '\(setting)'")
        }
    }

    /// Access rights: `rwx`, `rw`, `r-x`, `rwxu`, `none`, or a word of `r w x u -`.
    mutating func expectPermissions(_ context: String) throws(Diagnostic) -> Permissions {
        var text = ""
        let first = current
        // A leading '-' is a symbol: `-w-` lexes as '-' 'w-', and `--x` as '-' '-' 'x'.
        var end = first.start
        while current.isSymbol("-"), current.start == end {
            text += "-"
            end = current.end
            advance()
        }
        if let word = current.identifier, text.isEmpty || current.start == end {
            text += word
            advance()
        }
        guard let permissions = Permissions(text: text) else {
            throw failure("access rights \(context) (letters r, w, x and u, e.g. 'rw' or 'rwx', or 'none')", at: first)
        }
        return permissions
    }

    // MARK: - Blocks and recovery

    /// Parses `{ item* }`, calling `item` for each entry; errors inside are recorded and skipped.
    mutating func block(_ what: String, _ item: (inout Parser) throws(Diagnostic) -> Void) throws(Diagnostic) {
        try expect(symbol: "{", " to open \(what)")
        while !current.isSymbol("}") {
            if current.kind == .end {
                throw failure("'}' to close \(what)")
            }
            let before = position
            let start = current
            do {
                try item(&self)
            } catch {
                diagnostics.append(error)
                synchronize(from: start, before: before)
                if position == before { advance() }
            }
        }
        advance()
    }

    /// Skips to the next token that starts a line at the current nesting depth, or to the `}` that closes it.
    /// When the item that failed began with `start` (at token index `before`) and the error is at a later
    /// token that starts a line no further right than `start`, that token begins the next item: keep it.
    mutating func synchronize(from start: Token, before: Int) {
        if position > before, current.startsLine, current.location.column <= start.location.column {
            return
        }
        var depth = 0
        var first = true
        while current.kind != .end {
            if current.isSymbol("}") {
                if depth == 0 { return }
                depth -= 1
            } else if current.isSymbol("{") {
                depth += 1
            } else if depth == 0 && current.startsLine && !first {
                return
            }
            first = false
            advance()
        }
    }

    // MARK: - File

    /// `platform "name" { … }` plus property blocks inside it or after it.
    mutating func parseFile() -> SyntaxFile? {
        var file = SyntaxFile(location: current.location)
        var sawPlatform = false
        while current.kind != .end {
            let before = position
            let start = current
            do throws(Diagnostic) {
                if current.isKeyword("platform") {
                    if sawPlatform {
                        throw Diagnostic.error(current.location, "a file describes one platform; found a second 'platform' block")
                    }
                    sawPlatform = true
                    file.location = current.location
                    advance()
                    file.name = try expectString("the platform's name in quotes after 'platform'")
                    try block("the platform") { (p: inout Parser) throws(Diagnostic) in try p.platformItem(&file) }
                } else if current.isKeyword("property") {
                    file.properties.append(try property())
                } else {
                    throw failure("'platform' or 'property' at the top level")
                }
            } catch {
                diagnostics.append(error)
                synchronize(from: start, before: before)
                if current.isSymbol("}") { advance() }
                if position == before { advance() }
            }
        }
        if !sawPlatform {
            diagnostics.append(.error(SourceLocation(file: self.file, line: 1, column: 1), "expected a 'platform \"name\" { … }' block; the file has none"))
            return nil
        }
        return file
    }

    mutating func platformItem(_ file: inout SyntaxFile) throws(Diagnostic) {
        let token = current
        switch token.identifier {
        case "region": file.regions.append(try region())
        case "cpu":
            if file.cpu != nil { throw Diagnostic.error(token.location, "the platform has a 'cpu' block already; merge the two") }
            file.cpu = try cpu()
        case "hypervisor":
            if file.hypervisor != nil { throw Diagnostic.error(token.location, "the platform has a 'hypervisor' block already; merge the two") }
            file.hypervisor = try hypervisor()
        case "partition": file.partitions.append(try partition())
        case "smm":
            if file.smm != nil { throw Diagnostic.error(token.location, "the platform has an 'smm' block already; merge the two") }
            file.smm = try smm()
        case "device": file.devices.append(try device())
        case "property": file.properties.append(try property())
        default:
            throw failure("a declaration: 'region', 'cpu', 'hypervisor', 'partition', 'smm', 'device' or 'property'")
        }
    }
}
