import SMT
import Testing

/// Builds a query, solves it, reads a model, exports, parses and runs a
/// fixedpoint query: one of everything.
func exerciseEverything(_ context: Context) throws {
    let x = context.bvConst("x", width: 32)
    let p = context.boolConst("p")
    let solver = try context.makeSolver(logic: "QF_BV")
    solver.setRLimit(1_000_000)
    solver.assert(x.ugt(context.bv(7, width: 32)), named: "x above 7")
    solver.push()
    solver.assert(p.implies(x .== context.bv(9, width: 32)))
    let model = try #require(solver.check(assuming: [p]).model)
    #expect(try model.uint64(x) == 9)
    _ = model.description
    _ = solver.check(assuming: [p, x .== context.bv(1, width: 32)])
    _ = solver.smtlib2()
    _ = try context.parseSMTLIB2(solver.smtlib2())
    _ = try? context.parseSMTLIB2("(assert (bvadd x")
    solver.pop()
    let (fixedpoint, reach, y) = try evenCounter(context)
    _ = fixedpoint.query(reach(y) && y .== context.bv(7, width: 8), exists: [y])
    _ = fixedpoint.query(reach(y) && y .== context.bv(4, width: 8), exists: [y])
}

@Suite struct LifetimeTests {
    @Test func objectsReleaseTheirReferences() throws {
        let context = try Context()
        #expect(context.liveObjectCount == 0)
        do {
            let x = context.bvConst("x", width: 8)
            #expect(context.liveObjectCount > 0)
            try exerciseEverything(context)
            _ = x
        }
        #expect(context.liveObjectCount == 0)
    }

    @Test func contextGoesAwayWithItsLastObject() throws {
        weak var weakContext: Context?
        var survivor: Term?
        do {
            let context = try Context()
            weakContext = context
            survivor = context.bvConst("x", width: 8)
        }
        // The term keeps its context alive…
        #expect(weakContext != nil)
        #expect(survivor?.description == "x")
        // …until it is gone too.
        survivor = nil
        #expect(weakContext == nil)
    }

    @Test func solverOutlivesTheContextVariable() throws {
        func makeSolver() throws -> Solver {
            let context = try Context()
            let solver = try context.makeSolver()
            solver.assert(context.boolConst("p"))
            return solver
        }
        let solver = try makeSolver()
        #expect(solver.check().isSat)
    }

    @Test func processWideCountReturnsToZero() async {
        // In a child process of its own, so that other tests' contexts do not count.
        await #expect(processExitsWith: .success) {
            #expect(Context.liveHandleCount == 0)
            do {
                let context = try Context()
                let x = context.bvConst("x", width: 32)
                try exerciseEverything(context)
                #expect(Context.liveHandleCount > 1)
                _ = x
            }
            #expect(Context.liveHandleCount == 0)
        }
    }
}
