import SMT
import Testing

/// Whether `claim` holds for every value of its constants: its negation is unsatisfiable.
func isValid(_ claim: Term, in context: Context) throws -> Bool {
    let solver = try context.makeSolver(logic: "QF_BV")
    solver.assert(!claim)
    return solver.check().isUnsat
}

/// Whether some value of its constants makes `formula` true.
func isSatisfiable(_ formula: Term, in context: Context) throws -> Bool {
    let solver = try context.makeSolver(logic: "QF_BV")
    solver.assert(formula)
    return solver.check().isSat
}

/// The value the solver gives `build(x, y)` once it has fixed the constants
/// `x` to `a` and `y` to `b`: the operation is evaluated by the solver's model,
/// not by Swift.
func solvedValue(
    width: Int, _ a: UInt64, _ b: UInt64,
    _ build: (Term, Term) -> Term
) throws -> UInt64? {
    let context = try Context()
    let x = context.bvConst("x", width: width)
    let y = context.bvConst("y", width: width)
    let result = context.bvConst("result", width: build(x, y).width)
    let solver = try context.makeSolver(logic: "QF_BV")
    solver.assert(x .== context.bv(a, width: width))
    solver.assert(y .== context.bv(b, width: width))
    solver.assert(result .== build(x, y))
    let model = try #require(solver.check().model)
    return try model.uint64(result)
}

/// The largest value of `width` bits.
func mask(_ width: Int) -> UInt64 {
    width >= 64 ? .max : (1 << UInt64(width)) - 1
}
