import SMT
import Testing

@Suite struct SolverTests {
    @Test func pushAndPopScopeAssertions() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x .== context.bv(1, width: 8))
        #expect(solver.scopeCount == 0)

        solver.push()
        #expect(solver.scopeCount == 1)
        solver.assert(x .== context.bv(2, width: 8))
        #expect(solver.assertions.count == 2)
        #expect(solver.check().isUnsat)

        solver.pop()
        #expect(solver.scopeCount == 0)
        #expect(solver.assertions.count == 1)
        let model = try #require(solver.check().model)
        #expect(try model.uint64(x) == 1)
    }

    @Test func popSeveralScopesAtOnce() throws {
        let context = try Context()
        let p = context.boolConst("p")
        let solver = try context.makeSolver()
        solver.push()
        solver.assert(p)
        solver.push()
        solver.assert(!p)
        #expect(solver.check().isUnsat)
        solver.pop(2)
        #expect(solver.scopeCount == 0)
        #expect(solver.assertions.isEmpty)
        #expect(solver.check().isSat)
        solver.pop(0)
        #expect(solver.check().isSat)
    }

    @Test func assumptionsHoldForOneCheckOnly() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let p = context.boolConst("p")
        let q = context.boolConst("q")
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(p.implies(x .== context.bv(1, width: 8)))
        solver.assert(q.implies(x .== context.bv(2, width: 8)))

        guard case .unsat(let core) = solver.check(assuming: [p, q]) else {
            Issue.record("p and q together should be unsatisfiable")
            return
        }
        #expect(Set(core) == ["p", "q"])

        let model = try #require(solver.check(assuming: [p]).model)
        #expect(try model.uint64(x) == 1)
        #expect(try model.bool(p) == true)
        #expect(solver.check().isSat)
    }

    @Test func coreNamesANegatedAssumptionByItsText() throws {
        let context = try Context()
        let p = context.boolConst("p")
        let solver = try context.makeSolver()
        solver.assert(p)
        guard case .unsat(let core) = solver.check(assuming: [!p]) else {
            Issue.record("p and not p should be unsatisfiable")
            return
        }
        #expect(core == ["(not p)"])
    }

    @Test func unsatCoreNamesTheConflictingTrackedAssertions() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 32)
        let y = context.bvConst("y", width: 32)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x.ult(context.bv(5, width: 32)), named: "x is small")
        solver.assert(y .== context.bv(3, width: 32), named: "y is three")
        solver.assert(x.ugt(context.bv(10, width: 32)), named: "x is large")
        guard case .unsat(let core) = solver.check() else {
            Issue.record("x cannot be both small and large")
            return
        }
        #expect(Set(core) == ["x is small", "x is large"])
    }

    @Test func trackedAssertionsFollowTheirScope() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x.ult(context.bv(5, width: 8)), named: "outer small")
        solver.push()
        solver.assert(x.ugt(context.bv(10, width: 8)), named: "inner large")
        guard case .unsat(let first) = solver.check() else {
            Issue.record("small and large should conflict")
            return
        }
        #expect(Set(first) == ["outer small", "inner large"])
        solver.pop()
        #expect(solver.check().isSat)
        solver.push()
        solver.assert(x .== context.bv(7, width: 8), named: "inner seven")
        guard case .unsat(let second) = solver.check() else {
            Issue.record("small and seven should conflict")
            return
        }
        #expect(Set(second) == ["outer small", "inner seven"])
    }

    @Test func unsatWithoutTrackingHasAnEmptyCore() throws {
        let context = try Context()
        let p = context.boolConst("p")
        let solver = try context.makeSolver()
        solver.assert(p && !p)
        guard case .unsat(let core) = solver.check() else {
            Issue.record("p and not p should be unsatisfiable")
            return
        }
        #expect(core.isEmpty)
    }

    @Test func trackingNameDoesNotCaptureAConstantOfTheSameName() throws {
        // If the tracking literal were the constant p itself, `!p` tracked as
        // "p" would assume p and be unsatisfiable.
        let context = try Context()
        let p = context.boolConst("p")
        let solver = try context.makeSolver()
        solver.assert(!p, named: "p")
        let model = try #require(solver.check().model)
        #expect(try model.bool(p) == false)
    }

    @Test func modelGivesConcreteValues() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let p = context.boolConst("p")
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x &* context.bv(3, width: 8) .== context.bv(21, width: 8))
        solver.assert(x.ult(context.bv(10, width: 8)))
        solver.assert(p .== x.ugt(context.bv(5, width: 8)))
        let model = try #require(solver.check().model)
        #expect(try model.uint64(x) == 7)
        #expect(try model.bool(p) == true)
        #expect(try model.eval(x &+ context.bv(1, width: 8)) == context.bv(8, width: 8))
        #expect(model.description.contains("x -> #x07"))
    }

    @Test func modelCompletionFillsUnconstrainedConstants() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let free = context.bvConst("free", width: 8)
        let solver = try context.makeSolver()
        solver.assert(x .== context.bv(4, width: 8))
        let model = try #require(solver.check().model)
        #expect(try model.eval(free, completion: false) == free)
        #expect(try model.eval(free, completion: true).uint64Value != nil)
        #expect(try model.uint64(free) != nil)
    }

    @Test func tinyResourceLimitOnAHardQueryIsUnknown() throws {
        // Factoring a 64-bit product of two 32-bit primes by bit-blasting.
        let context = try Context()
        let x = context.bvConst("x", width: 64)
        let y = context.bvConst("y", width: 64)
        let one = context.bv(1, width: 64)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x &* y .== context.bv(4_294_967_291 * 4_294_967_279, width: 64))
        solver.assert(!x.multiplyOverflows(y))
        solver.assert(x.ugt(one) && y.ugt(one))
        solver.setRLimit(1000)
        guard case .unknown(let reason) = solver.check() else {
            Issue.record("expected unknown under a tiny resource limit")
            return
        }
        #expect(!reason.isEmpty)
    }

    @Test func timeoutIsAccepted() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 16)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.setTimeout(milliseconds: 60_000)
        solver.assert(x &+ x .== context.bv(6, width: 16))
        let model = try #require(solver.check().model)
        #expect(try model.uint64(x &+ x) == 6)
    }

    @Test func resultsDescribeThemselves() throws {
        let context = try Context()
        let p = context.boolConst("p")
        let solver = try context.makeSolver()
        solver.assert(p, named: "p holds")
        #expect(solver.check().description == "sat")
        #expect(solver.check(assuming: [!p]).description == "unsat (core: p holds, (not p))"
            || solver.check(assuming: [!p]).description == "unsat (core: (not p), p holds)")
    }
}
