import SMT
import Testing

@Suite struct ContextTests {
    @Test func booleanLiteralsAndConstants() throws {
        let context = try Context()
        #expect(context.bool(true).boolValue == true)
        #expect(context.bool(false).boolValue == false)
        let p = context.boolConst("p")
        #expect(p.sort == .bool)
        #expect(p.boolValue == nil)
        #expect(p.constantName == "p")
        #expect(p.description == "p")
    }

    @Test(arguments: [1, 8, 32, 64, 65, 128])
    func bitVectorConstantsHaveTheirWidth(width: Int) throws {
        let context = try Context()
        let x = context.bvConst("x", width: width)
        #expect(x.sort == .bitVector(width: width))
        #expect(x.width == width)
        #expect(x.isBitVector && !x.isBool)
        #expect(x.constantName == "x")
    }

    @Test func numeralsKeepTheirValue() throws {
        let context = try Context()
        #expect(context.bv(0xAB, width: 8).uint64Value == 0xAB)
        #expect(context.bv(.max, width: 64).uint64Value == .max)
        #expect(context.bv(1, width: 1).uint64Value == 1)
        #expect(context.bv(0xAB, width: 8).description == "#xab")
        #expect(context.bv(0xAB, width: 8).constantName == nil)
    }

    @Test func wideNumeralsAreZeroExtended() throws {
        let context = try Context()
        let wide = context.bv(.max, width: 100)
        #expect(wide.width == 100)
        #expect(wide.uint64Value == .max)
        #expect(wide.extract(high: 99, low: 64).simplified().uint64Value == 0)
        // A value that needs more than 64 bits has no UInt64.
        let shifted = (wide.shl(context.bv(1, width: 100))).simplified()
        #expect(shifted.uint64Value == nil)
    }

    @Test func termsAreEqualByIdentityNotBySymbolicEquality() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let y = context.bvConst("y", width: 8)
        #expect(x == context.bvConst("x", width: 8))
        #expect(x &+ y == x &+ y)
        #expect(x &+ y != y &+ x)
        #expect(x != context.bvConst("x", width: 16))
        #expect(Set([x, y, x &+ y, context.bvConst("x", width: 8)]).count == 3)
        // Symbolic equality is a term, and a valid one here.
        #expect((x &+ y .== y &+ x).sort == .bool)
        #expect(try isValid(x &+ y .== y &+ x, in: context))
    }

    @Test func sameTermInTwoContextsIsNotEqual() throws {
        let first = try Context()
        let second = try Context()
        #expect(first.bvConst("x", width: 8) != second.bvConst("x", width: 8))
    }

    @Test func andOrOfNoneOneAndMany() throws {
        let context = try Context()
        let p = context.boolConst("p")
        let q = context.boolConst("q")
        #expect(context.and([]).simplified().boolValue == true)
        #expect(context.or([]).simplified().boolValue == false)
        #expect(context.and([p]) == p)
        #expect(context.or([q]) == q)
        #expect(try isValid(context.and([p, q, p]).implies(q), in: context))
        #expect(try !isValid(context.or([p, q]).implies(q), in: context))
    }

    @Test func unknownLogicThrows() throws {
        let context = try Context()
        #expect(throws: SMTError.self) {
            _ = try context.makeSolver(logic: "NOT_A_LOGIC")
        }
        #expect(try context.makeSolver(logic: "QF_BV").logic == "QF_BV")
        #expect(try context.makeSolver().logic == nil)
    }

    @Test func sortsPrintAsSMTLIB() {
        #expect(Sort.bool.description == "Bool")
        #expect(Sort.bitVector(width: 64).description == "(_ BitVec 64)")
        #expect(Sort.other("Int").description == "Int")
    }

    @Test func simplifiedFoldsConstants() throws {
        let context = try Context()
        let sum = context.bv(200, width: 8) &+ context.bv(100, width: 8)
        #expect(sum.uint64Value == nil)
        #expect(sum.simplified().uint64Value == 44)
    }
}
