import SMT
import Testing

@Suite struct BooleanTests {
    @Test func connectivesFollowTheirTruthTables() throws {
        let context = try Context()
        let p = context.boolConst("p")
        let q = context.boolConst("q")
        #expect(try isValid((p && q).implies(p), in: context))
        #expect(try isValid(p.implies(p || q), in: context))
        #expect(try isValid(!(p && q) .== (!p || !q), in: context))
        #expect(try isValid(p.xor(q) .== !(p.iff(q)), in: context))
        #expect(try isValid(p.implies(q) .== (!p || q), in: context))
        #expect(try !isValid(p.implies(q), in: context))
        #expect(try !isSatisfiable(p && !p, in: context))
    }

    @Test(arguments: [false, true])
    func iteSelectsABranch(condition: Bool) throws {
        let context = try Context()
        let c = context.boolConst("c")
        let chosen = c.ite(then: context.bv(1, width: 8), else: context.bv(2, width: 8))
        let solver = try context.makeSolver()
        solver.assert(c .== context.bool(condition))
        let model = try #require(solver.check().model)
        #expect(try model.uint64(chosen) == (condition ? 1 : 2))
    }

    @Test func iteOfBooleans() throws {
        let context = try Context()
        let c = context.boolConst("c")
        let p = context.boolConst("p")
        let q = context.boolConst("q")
        #expect(try isValid(c.ite(then: p, else: q) .== ((c && p) || (!c && q)), in: context))
    }

    @Test func symbolicInequality() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 4)
        #expect(try isValid((x .!= x) .== context.bool(false), in: context))
        #expect(try isSatisfiable(x .!= context.bv(3, width: 4), in: context))
    }
}

@Test func emptyConjunctionsAndDisjunctionsExportAsConstants() throws {
    let context = try Context()
    let solver = try context.makeSolver(logic: "QF_BV")
    solver.assert(context.and([]))
    solver.assert(!context.or([]))
    let text = solver.smtlib2()
    #expect(!text.contains("(and)"))
    #expect(!text.contains("(or)"))
    #expect(solver.check().isSat)
}
