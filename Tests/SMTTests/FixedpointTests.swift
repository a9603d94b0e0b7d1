import SMT
import Testing

/// A counter that starts at 0 and steps by 2 while below 10, on 8 bits.
func evenCounter(_ context: Context) throws -> (Fixedpoint, Relation, Term) {
    let fixedpoint = try context.makeFixedpoint()
    let reach = fixedpoint.declareRelation("reach", [.bitVector(width: 8)])
    let x = context.bvConst("x", width: 8)
    try fixedpoint.addRule(reach(context.bv(0, width: 8)), name: "init")
    try fixedpoint.addRule(
        (reach(x) && x.ult(context.bv(10, width: 8))).implies(reach(x &+ context.bv(2, width: 8))),
        forAll: [x],
        name: "step"
    )
    return (fixedpoint, reach, x)
}

@Suite struct FixedpointTests {
    @Test func unreachableGoalIsProvedWithACertificate() throws {
        let context = try Context()
        let (fixedpoint, reach, x) = try evenCounter(context)
        let result = fixedpoint.query(reach(x) && x .== context.bv(7, width: 8), exists: [x])
        guard case .unreachable(let certificate) = result else {
            Issue.record("an odd value should be unreachable, got \(result)")
            return
        }
        #expect(certificate.sort == .bool)
        #expect(certificate.description.contains("reach"))
    }

    @Test func reachableGoalIsFound() throws {
        let context = try Context()
        let (fixedpoint, reach, x) = try evenCounter(context)
        let result = fixedpoint.query(reach(x) && x .== context.bv(4, width: 8), exists: [x])
        guard case .reachable = result else {
            Issue.record("4 should be reachable, got \(result)")
            return
        }
    }

    @Test func stepGuardIsRespected() throws {
        // The counter steps while below 10, so it reaches 10 but not 12.
        let context = try Context()
        let (fixedpoint, reach, x) = try evenCounter(context)
        guard case .reachable = fixedpoint.query(reach(x) && x .== context.bv(10, width: 8), exists: [x]) else {
            Issue.record("10 should be reachable")
            return
        }
        let (fresh, freshReach, y) = try evenCounter(context)
        guard case .unreachable = fresh.query(freshReach(y) && y .== context.bv(12, width: 8), exists: [y]) else {
            Issue.record("12 should be unreachable")
            return
        }
    }

    @Test func certificateIsAnInductiveInvariantThatFreshQueriesConfirm() throws {
        let context = try Context()
        let (fixedpoint, reach, x) = try evenCounter(context)
        let goal = reach(x) && x .== context.bv(7, width: 8)
        guard case .unreachable(let certificate) = fixedpoint.query(goal, exists: [x]) else {
            Issue.record("an odd value should be unreachable")
            return
        }
        // The certificate defines `reach`; under it, every rule holds and the goal is impossible.
        let byte = { (value: UInt64) in context.bv(value, width: 8) }
        let obligations: [Term] = [
            reach(byte(0)),
            (reach(x) && x.ult(byte(10))).implies(reach(x &+ byte(2))),
            !goal,
        ]
        for obligation in obligations {
            let solver = try context.makeSolver()
            solver.assert(certificate)
            solver.assert(!obligation)
            #expect(solver.check().isUnsat, "\(obligation) under \(certificate)")
        }
    }

    @Test func unknownEngineThrows() throws {
        let context = try Context()
        let error = try #require(throws: SMTError.self) {
            _ = try context.makeFixedpoint(engine: "no-such-engine")
        }
        #expect(error.code == .invalidArgument)
        #expect(error.message.contains("spacer"))
        #expect(try context.makeFixedpoint(engine: "datalog").engine == "datalog")
    }

    @Test func relationsAreNamedAndComparable() throws {
        let context = try Context()
        let fixedpoint = try context.makeFixedpoint()
        let edge = fixedpoint.declareRelation("edge", [.bitVector(width: 4), .bitVector(width: 4)])
        #expect(edge.name == "edge")
        #expect(edge.argumentSorts == [.bitVector(width: 4), .bitVector(width: 4)])
        let a = context.bvConst("a", width: 4)
        #expect(edge(a, a).sort == .bool)
        #expect(edge(a, a).description == "(edge a a)")
        #expect(edge == edge)
        try fixedpoint.addRule(edge(a, a), forAll: [a])
        #expect(fixedpoint.description.contains("edge"))
    }

    @Test func quantifiersAreBooleanTerms() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 8)
        let claim = context.forAll([x], (x &+ x) .== (x &* context.bv(2, width: 8)))
        #expect(claim.sort == .bool)
        #expect(try isValid(claim, in: context))
        #expect(try isValid(context.exists([x], x.ugt(context.bv(200, width: 8))), in: context))
        #expect(try !isValid(context.forAll([x], x.ugt(context.bv(200, width: 8))), in: context))
    }
}
