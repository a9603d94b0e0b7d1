import SMT
import Testing

/// Misuse by Swift code stops the program with a precondition failure, before Z3 sees it.
@Suite struct PreconditionTests {
    @Test func mismatchedWidthsStop() async {
        await #expect(processExitsWith: .failure) {
            let context = try Context()
            _ = context.bv(1, width: 8) &+ context.bv(1, width: 16)
        }
    }

    @Test func bitVectorWhereABooleanBelongsStops() async {
        await #expect(processExitsWith: .failure) {
            let context = try Context()
            _ = !context.bv(1, width: 8)
        }
    }

    @Test func valueTooWideForItsWidthStops() async {
        await #expect(processExitsWith: .failure) {
            let context = try Context()
            _ = context.bv(256, width: 8)
        }
    }

    @Test func extractOutOfRangeStops() async {
        await #expect(processExitsWith: .failure) {
            let context = try Context()
            _ = context.bvConst("x", width: 8).extract(high: 8, low: 0)
        }
    }

    @Test func poppingMoreScopesThanPushedStops() async {
        await #expect(processExitsWith: .failure) {
            let context = try Context()
            let solver = try context.makeSolver()
            solver.push()
            solver.pop(2)
        }
    }

    @Test func nameThatSMTLIBCannotWriteStops() async {
        await #expect(processExitsWith: .failure) {
            let context = try Context()
            _ = context.bvConst("a|b", width: 8)
        }
    }

    @Test func termsOfTwoContextsDoNotMix() async {
        await #expect(processExitsWith: .failure) {
            let first = try Context()
            let second = try Context()
            _ = first.boolConst("p") && second.boolConst("q")
        }
    }
}
