import SMT
import Testing

/// A query built in a fresh context, with the answer it must get.
struct Query: Sendable, CustomTestStringConvertible {
    var name: String
    var sat: Bool
    var build: @Sendable (Context, Solver) -> Void
    var testDescription: String { name }
}

let queries: [Query] = [
    Query(name: "wrapping sum", sat: true) { context, solver in
        let x = context.bvConst("x", width: 64)
        let y = context.bvConst("y", width: 64)
        solver.assert(x.addOverflows(y))
        solver.assert((x &+ y).ult(context.bv(0x10, width: 64)))
    },
    Query(name: "signed below unsigned", sat: true) { context, solver in
        let x = context.bvConst("x", width: 8)
        solver.assert(x.slt(context.bv(0, width: 8)) && x.ugt(context.bv(0x7F, width: 8)))
    },
    Query(name: "no byte is both below 5 and above 10", sat: false) { context, solver in
        let x = context.bvConst("x", width: 8)
        solver.assert(x.ult(context.bv(5, width: 8)), named: "small")
        solver.assert(x.ugt(context.bv(10, width: 8)), named: "large")
    },
    Query(name: "extract and ite", sat: false) { context, solver in
        let x = context.bvConst("x", width: 16)
        let c = context.boolConst("c")
        let chosen = c.ite(then: x.extract(high: 15, low: 8), else: x.extract(high: 7, low: 0))
        solver.assert(chosen .== context.bv(0xAB, width: 8))
        solver.assert(x .== context.bv(0x1234, width: 16))
    },
    Query(name: "name that needs quoting", sat: true) { context, solver in
        let x = context.bvConst("guest physical address", width: 64)
        solver.assert(x.signExtend(by: 8).extract(high: 71, low: 64) .== context.bv(0xFF, width: 8))
    },
]

@Suite struct SMTLIBTests {
    @Test func exportHasLogicDeclarationsAssertionsAndCheckSat() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x.ugt(context.bv(3, width: 8)))
        solver.push()
        solver.assert(x.ult(context.bv(2, width: 8)))
        let text = solver.smtlib2()
        #expect(text.contains("(set-logic QF_BV)"))
        #expect(text.contains("(declare-fun x () (_ BitVec 8))"))
        #expect(text.contains("(check-sat)"))
        #expect(text.ranges(of: "(assert").count == 2)

        solver.pop()
        #expect(solver.smtlib2().ranges(of: "(assert").count == 1)
    }

    @Test func exportWithoutALogicSaysALL() throws {
        let context = try Context()
        let solver = try context.makeSolver()
        let text = solver.smtlib2()
        #expect(text.contains("(set-logic ALL)"))
        #expect(text.contains("(check-sat)"))
        #expect(try context.parseSMTLIB2(text).allSatisfy { $0.simplified().boolValue == true })
    }

    @Test(arguments: queries)
    func exportReparsesToAnEquisatisfiableQuery(query: Query) throws {
        let original = try Context()
        let solver = try original.makeSolver(logic: "QF_BV")
        query.build(original, solver)
        #expect(solver.check().isSat == query.sat)
        let text = solver.smtlib2()

        // Into a fresh context.
        let fresh = try Context()
        let reparsed = try fresh.makeSolver(logic: "QF_BV")
        for assertion in try fresh.parseSMTLIB2(text) {
            reparsed.assert(assertion)
        }
        #expect(reparsed.check().isSat == query.sat, "\(text)")
        #expect(reparsed.assertions.count == solver.assertions.count)
    }

    @Test func parsingInTheSameContextGivesTheSameTerms() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let assertion = x &+ context.bv(1, width: 8) .== context.bv(0, width: 8)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(assertion)
        let parsed = try context.parseSMTLIB2(solver.smtlib2())
        #expect(parsed.count == 1)
        let solver2 = try context.makeSolver()
        solver2.assert(parsed[0])
        let model = try #require(solver2.check().model)
        #expect(try model.uint64(x) == 0xFF)
    }

    @Test func parseReturnsEveryAssertion() throws {
        let context = try Context()
        let terms = try context.parseSMTLIB2("""
            (declare-const p Bool)
            (declare-fun x () (_ BitVec 32))
            (assert p)
            (assert (bvult x #x00000010))
            (check-sat)
            """)
        #expect(terms.count == 2)
        #expect(terms[0] == context.boolConst("p"))
        #expect(terms[1] == context.bvConst("x", width: 32).ult(context.bv(16, width: 32)))
    }

    @Test(arguments: [
        "(assert (bvadd x",
        "(declare-const x (_ BitVec 8)) (assert (bvadd x",
        "(assert (= y #x01))",
        "(declare-const x (_ BitVec 8)) (assert (= x #x0001))",
        "(assert (frobnicate))",
        ")",
    ])
    func malformedTextThrowsZ3sMessage(text: String) throws {
        let context = try Context()
        let error = try #require(throws: SMTError.self) {
            _ = try context.parseSMTLIB2(text)
        }
        #expect(error.code == .parserError)
        #expect(!error.message.isEmpty)
        #expect(error.description.contains(error.message))

        // The process and the context go on working.
        let solver = try context.makeSolver()
        solver.assert(context.boolConst("p"))
        #expect(solver.check().isSat)
    }

    @Test func undeclaredSymbolIsNamedInTheMessage() throws {
        let context = try Context()
        let error = try #require(throws: SMTError.self) {
            _ = try context.parseSMTLIB2("(assert (= undeclared #x01))")
        }
        #expect(error.message.contains("undeclared"))
    }
}
