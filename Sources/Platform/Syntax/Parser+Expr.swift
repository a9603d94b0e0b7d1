extension Parser {
    /// A guard or effect expression, by precedence climbing. Binary operators are the
    /// symbols of `BinaryOperator`; the expression ends at the first token that is not one.
    mutating func expression(minimumPrecedence: Int = 0) throws(Diagnostic) -> Expr {
        var left = try unaryExpression()
        while case .symbol(let s) = current.kind, let op = BinaryOperator(rawValue: s), op.precedence > minimumPrecedence {
            let location = current.location
            advance()
            let right = try expression(minimumPrecedence: op.precedence)
            left = Expr(.binary(op, left, right), at: location)
        }
        return left
    }

    private mutating func unaryExpression() throws(Diagnostic) -> Expr {
        let token = current
        if case .symbol(let s) = token.kind, let op = UnaryOperator(rawValue: s) {
            advance()
            return Expr(.unary(op, try unaryExpression()), at: token.location)
        }
        return try primaryExpression()
    }

    private mutating func primaryExpression() throws(Diagnostic) -> Expr {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return Expr(.number(value), at: token.location)
        case .identifier(let name):
            advance()
            if current.isSymbol("("), current.start == token.end {
                guard let builtin = Builtin(rawValue: name) else {
                    throw Diagnostic.error(token.location, "unknown function '\(name)'; expected overlaps(…) or within(…)")
                }
                advance()
                var arguments: [Expr] = []
                if !current.isSymbol(")") {
                    repeat {
                        arguments.append(try expression())
                    } while accept(symbol: ",")
                }
                try expect(symbol: ")", " to close the arguments of \(name)")
                return Expr(.call(builtin, arguments), at: token.location)
            }
            return Expr(.name(name), at: token.location)
        case .symbol("("):
            advance()
            let inner = try expression()
            try expect(symbol: ")", " to close the parenthesis")
            return inner
        default:
            throw failure("an expression (a number, a parameter, a region, or '(')")
        }
    }
}
