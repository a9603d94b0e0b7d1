import Testing
@testable import Platform

@Suite("Expressions")
struct ExpressionTests {
    /// Precedence and associativity, read from `Expr.description`, which parenthesises every
    /// binary operand.
    @Test(arguments: [
        ("a + b * c", "a + (b * c)"),
        ("a * b + c", "(a * b) + c"),
        ("a - b - c", "(a - b) - c"),
        ("a - (b - c)", "a - (b - c)"),
        ("a * b * c", "(a * b) * c"),
        ("a << 1 + b", "a << (1 + b)"),
        ("a + b << c", "(a + b) << c"),
        ("a >> b >> c", "(a >> b) >> c"),
        ("a & b << 2", "a & (b << 2)"),
        ("a ^ b & c", "a ^ (b & c)"),
        ("a | b ^ c", "a | (b ^ c)"),
        ("a | b ^ c & d", "a | (b ^ (c & d))"),
        ("a & b | c & d", "(a & b) | (c & d)"),
        ("(a | b) & c", "(a | b) & c"),
        ("-a * b", "-a * b"),
        ("~a & b", "~a & b"),
        ("-(a + b)", "-(a + b)"),
        ("- - a", "--a"),
        ("0x10M + 4K", "0x1000000 + 0x1000"),
    ])
    func valuePrecedence(source: String, rendered: String) throws {
        let e = try #require(value(source))
        #expect(e.description == rendered)
        #expect(!e.isBoolean)
    }

    @Test(arguments: [
        ("a < b && c < d || a == b", "((a < b) && (c < d)) || (a == b)"),
        ("a == b || c == d && a != b", "(a == b) || ((c == d) && (a != b))"),
        ("a & 0x100 != 0", "(a & 0x100) != 0"),
        ("a | b == c", "(a | b) == c"),
        ("a + b <= c * d", "(a + b) <= (c * d)"),
        ("!(a < b) && !within(a, b, buf)", "!(a < b) && !within(a, b, buf, buf.size)"),
        ("a >= b && b > c && c <= d", "((a >= b) && (b > c)) && (c <= d)"),
    ])
    func conditionPrecedence(source: String, rendered: String) throws {
        let e = try #require(condition(source))
        #expect(e.description == rendered)
        #expect(e.isBoolean)
    }

    @Test func treeShape() throws {
        let e = try #require(condition("a + b * c < d && !(a == 0) || -a > ~b"))
        let expected = bin(.or,
            bin(.and,
                bin(.lt, bin(.add, v("a"), bin(.mul, v("b"), v("c"))), v("d")),
                un(.not, bin(.eq, v("a"), n(0)))),
            bin(.gt, un(.negate, v("a")), un(.bitNot, v("b"))))
        #expect(e.sameShape(expected))
        // Locations: a binary node is at its operator, a leaf at its token.
        guard case .binary(.or, let left, _) = e.kind else { Issue.record("shape"); return }
        #expect([e.location.line, e.location.column] == [6, 40])
        #expect([left.location.line, left.location.column] == [6, 27])
    }

    @Test func everyBinaryAndUnaryOperatorParses() throws {
        for op in BinaryOperator.allCases {
            let text = "a \(op.rawValue) b"
            if op.isComparison {
                #expect(condition(text)?.sameShape(bin(op, v("a"), v("b"))) == true, "\(op)")
            } else if op.isLogical {
                #expect(condition("a < b \(op.rawValue) c < d")?.sameShape(bin(op, bin(.lt, v("a"), v("b")), bin(.lt, v("c"), v("d")))) == true, "\(op)")
            } else {
                #expect(value(text)?.sameShape(bin(op, v("a"), v("b"))) == true, "\(op)")
            }
        }
        #expect(value("-a")?.sameShape(un(.negate, v("a"))) == true)
        #expect(value("~a")?.sameShape(un(.bitNot, v("a"))) == true)
        #expect(condition("!(a < b)")?.sameShape(un(.not, bin(.lt, v("a"), v("b")))) == true)
    }

    @Test func numbersAreUnsignedAndMinusIsAnOperator() throws {
        #expect(try #require(value("-1")).sameShape(un(.negate, n(1))))
        #expect(try #require(value("0xFFFF_FFFF_FFFF_FFFF")).sameShape(n(UInt64.max)))
        #expect(try #require(condition("-1 > 0")).sameShape(bin(.gt, un(.negate, n(1)), n(0))))
    }

    @Test func regionNamesAreBaseAddressesAndAttributes() throws {
        #expect(try #require(value("buf")).sameShape(Expr(.regionBase("buf"))))
        #expect(try #require(value("buf.base")).sameShape(Expr(.regionBase("buf"))))
        #expect(try #require(value("buf.size")).sameShape(Expr(.regionAttribute("buf", .size))))
        #expect(try #require(value("buf.end")).sameShape(Expr(.regionAttribute("buf", .end))))
        #expect(try #require(value("hv.data")).sameShape(Expr(.regionBase("hv.data"))))
        #expect(try #require(value("hv.data.end - hv.data.size")).sameShape(bin(.sub, Expr(.regionAttribute("hv.data", .end)), Expr(.regionAttribute("hv.data", .size)))))
        #expect(try #require(value("a + buf")).names == ["a"])
        #expect(Expr(.regionAttribute("hv.data", .end)).description == "hv.data.end")
    }

    @Test func parametersAndLetsComeBeforeRegions() throws {
        let statements = try #require(body("let size = buf.size\n    return size + a"))
        guard case .effect(.returnValue(let e)) = statements[1].kind else { Issue.record("return"); return }
        #expect(e.sameShape(bin(.add, v("size"), v("a"))))
    }

    @Test(arguments: ["overlaps", "within"])
    func builtinsWithARegionExpandToFourArguments(name: String) throws {
        let builtin = try #require(Builtin(rawValue: name))
        let three = try #require(condition("\(name)(a, b, buf)"))
        #expect(three.sameShape(Expr(.call(builtin, [v("a"), v("b"), Expr(.regionBase("buf")), Expr(.regionAttribute("buf", .size))]))))
        let viaBase = try #require(condition("\(name)(a, b, buf.base)"))
        #expect(viaBase.sameShape(three))
        let four = try #require(condition("\(name)(a + 1, b, hv.data, 4K)"))
        #expect(four.sameShape(Expr(.call(builtin, [bin(.add, v("a"), n(1)), v("b"), Expr(.regionBase("hv.data")), n(4096)]))))
        let explicit = try #require(condition("\(name)(a, b, buf.base, buf.size)"))
        #expect(explicit.sameShape(three))
        #expect(three.isBoolean)
    }

    @Test func isBooleanAndNames() {
        #expect(!n(1).isBoolean && !v("a").isBoolean && !Expr(.regionBase("r")).isBoolean)
        #expect(un(.not, v("a")).isBoolean && !un(.negate, v("a")).isBoolean)
        #expect(bin(.and, v("a"), v("b")).isBoolean && bin(.le, v("a"), v("b")).isBoolean && !bin(.shl, v("a"), v("b")).isBoolean)
        #expect(Expr(.call(.within, [])).isBoolean)
        #expect(bin(.add, v("a"), Expr(.call(.overlaps, [v("b"), v("c")]))).names == ["a", "b", "c"])
    }

    // Type errors: values and conditions do not mix.
    @Test(arguments: [
        ("require a", 6, 13, "the condition of 'require' in hypercall 0x1 \"h\" is a value; expected a comparison such as 'len <= 0x1000'"),
        ("if a + 1 { shutdown }", 6, 10, "the condition of 'if' in hypercall 0x1 \"h\" is a value"),
        ("let x = a < b", 6, 15, "'let x' in hypercall 0x1 \"h\" is a condition; expected a 64-bit value"),
        ("return a == b", 6, 14, "the returned value in hypercall 0x1 \"h\" is a condition"),
        ("copy from guest a to host b len a < b", 6, 39, "the length in hypercall 0x1 \"h\" is a condition"),
        ("call within(a, b, buf)", 6, 10, "the call target in hypercall 0x1 \"h\" is a condition"),
        ("require !a", 6, 14, "'!' negates a condition; expected a comparison, found a value (use '~' for bitwise not)"),
        ("let x = -(a < b)", 6, 17, "'-' applies to a value; expected a 64-bit value, found a condition"),
        ("let x = ~(a < b)", 6, 17, "'~' applies to a value"),
        ("require a && b < c", 6, 13, "'&&' joins conditions; expected a comparison, found the value a"),
        ("require a < b || c", 6, 22, "'||' joins conditions; expected a comparison, found the value c"),
        ("let x = (a < b) + 1", 6, 16, "'+' applies to 64-bit values; expected a value, found the condition a < b"),
        ("require a < b == (c < d)", 6, 15, "'==' applies to 64-bit values; expected a value, found the condition a < b"),
        ("require a < b < c", 6, 15, "'<' applies to 64-bit values; expected a value, found the condition a < b"),
        ("require within(a, b)", 6, 13, "within takes (address, length, REGION) or (address, length, base, length); found 2 arguments"),
        ("require overlaps(a, b, c, d, a)", 6, 13, "overlaps takes (address, length, REGION) or (address, length, base, length); found 5 arguments"),
        ("require within(a, b, c)", 6, 13, "found 3 arguments"),
        ("require within()", 6, 13, "found 0 arguments"),
        ("require within(a < b, 1, buf)", 6, 22, "the arguments of within are 64-bit values; found the condition a < b"),
        ("return dst-len", 6, 12, "unknown name 'dst-len' in hypercall 0x1 \"h\"; expected a parameter (a, b, c, d) or a region"),
        ("return a-b", 6, 12, "(for subtraction write 'a - b' with spaces)"),
        ("return buf-1", 6, 12, "(for subtraction write 'buf - 1' with spaces)"),
        ("return aa", 6, 12, "(did you mean 'a'?)"),
        ("return buf.middle", 6, 12, "unknown name 'buf.middle'"),
        ("return foo(a)", 6, 12, "unknown function 'foo'; expected overlaps(…) or within(…)"),
        ("require within (a, b, buf)", 6, 20, "expected a statement: require, let, if, copy"),
    ])
    func typeAndNameErrors(statement: String, line: Int, column: Int, message: String) {
        let outcome = Outcome(hypercall(statement))
        #expect(outcome.platform == nil)
        #expect(outcome.errors.first.map { [$0.location.line, $0.location.column] } == [line, column], "\(outcome.errors)")
        #expect(outcome.errors.first?.message.contains(message) == true, "\(outcome.errors)")
    }
}
