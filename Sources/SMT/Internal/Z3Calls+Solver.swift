// Z3 calls for solvers, models, parameters and SMT-LIB text.
// See Z3Calls.swift for the rules.

internal import CZ3

/// Z3's three-valued answer to a satisfiability check.
enum RawCheckResult {
    case sat, unsat, unknown
}

// MARK: - Solvers

extension Context {
    func makeRawSolver(logic: String?) throws(SMTError) -> Handle {
        guard let logic else {
            return try unsafe make(.solver) { c in unsafe Z3_mk_solver(c) }
        }
        let logicSymbol = unsafe symbol(logic)
        return try unsafe make(.solver) { c in unsafe Z3_mk_solver_for_logic(c, logicSymbol) }
    }

    func solverPush(_ solver: Handle) {
        unsafe Z3_solver_push(raw, solver.raw)
        trapOnError("push")
    }

    func solverPop(_ solver: Handle, _ count: Int) {
        unsafe Z3_solver_pop(raw, solver.raw, UInt32(count))
        trapOnError("pop(\(count))")
    }

    func solverAssert(_ solver: Handle, _ term: Term) {
        unsafe Z3_solver_assert(raw, solver.raw, term.raw)
        trapOnError("assertion \(term)")
    }

    func solverAssertAndTrack(_ solver: Handle, _ term: Term, tracker: Term) {
        unsafe Z3_solver_assert_and_track(raw, solver.raw, term.raw, tracker.raw)
        trapOnError("tracked assertion \(term)")
    }

    /// Checks satisfiability under `assumptions`; an error Z3 reports comes back
    /// beside the answer (which is then `unknown`).
    func solverCheck(_ solver: Handle, assuming assumptions: [Term]) -> (RawCheckResult, SMTError?) {
        let answer = unsafe withRawASTs(assumptions) { count, asts in
            if count == 0 {
                unsafe Z3_solver_check(raw, solver.raw)
            } else {
                unsafe Z3_solver_check_assumptions(raw, solver.raw, count, asts)
            }
        }
        let error = pendingError()
        switch answer {
        case Z3_L_TRUE: return (.sat, error)
        case Z3_L_FALSE: return (.unsat, error)
        default: return (.unknown, error)
        }
    }

    func solverModel(_ solver: Handle) throws(SMTError) -> Handle {
        try unsafe make(.model) { c in unsafe Z3_solver_get_model(c, solver.raw) }
    }

    func solverUnsatCore(_ solver: Handle) -> [Term] {
        guard let core = unsafe Z3_solver_get_unsat_core(raw, solver.raw) else {
            trapOnError("unsat core")
            return []
        }
        return unsafe terms(ofVector: core)
    }

    func solverReasonUnknown(_ solver: Handle) -> String {
        unsafe Context.copy(Z3_solver_get_reason_unknown(raw, solver.raw)) ?? ""
    }

    func solverSetParameter(_ solver: Handle, _ name: String, _ value: UInt32) throws(SMTError) {
        let params = try unsafe make(.params) { c in unsafe Z3_mk_params(c) }
        let key = unsafe symbol(name)
        unsafe Z3_params_set_uint(raw, params.raw, key, value)
        if let error = pendingError() { throw error }
        unsafe Z3_solver_set_params(raw, solver.raw, params.raw)
        if let error = pendingError() { throw error }
    }
}

// MARK: - Models

extension Context {
    func modelEval(_ model: Handle, _ term: Term, completion: Bool) throws(SMTError) -> Term {
        precondition(term.context === self, "SMT: a term from another context was passed to this model")
        var result: OpaquePointer?
        let evaluated = unsafe Z3_model_eval(raw, model.raw, term.raw, completion, &result)
        let error = pendingError()
        let handle = unsafe result.map { unsafe Handle(.ast, $0, in: self) }
        if let error { throw error }
        guard evaluated, let handle else {
            throw SMTError(code: .invalidArgument, message: "the model could not evaluate \(term)")
        }
        return Term(handle)
    }

    func modelString(_ model: Handle) -> String {
        unsafe Context.copy(Z3_model_to_string(raw, model.raw)) ?? ""
    }
}

// MARK: - SMT-LIB text

extension Context {
    /// Parses SMT-LIB 2 text and returns its assertions.
    func parseSMTLIB2Assertions(_ text: String) throws(SMTError) -> [Term] {
        let vector = unsafe Z3_parse_smtlib2_string(raw, text, 0, nil, nil, 0, nil, nil)
        let error = pendingError()
        // Z3 returns a vector even when parsing failed; take it (and let it go).
        let assertions = unsafe vector.map { unsafe terms(ofVector: $0) } ?? []
        if let error { throw error }
        return assertions
    }

    /// Writes `assertions` as an SMT-LIB 2 benchmark: status, logic, the
    /// declarations of every constant, the assertions and `(check-sat)`.
    func benchmark(logic: String, assertions: [Term]) -> String {
        let last = assertions.last ?? makeBoolLiteral(true)
        let leading = Array(assertions.dropLast())
        let text = unsafe withRawASTs(leading) { count, asts in
            unsafe Z3_benchmark_to_smtlib_string(raw, "", logic, "unknown", "", count, asts, last.raw)
        }
        let copy = unsafe Context.copy(text) ?? ""
        trapOnError("SMT-LIB export")
        // Z3 starts with a comment holding the (empty) benchmark name.
        return copy.hasPrefix("; \n") ? String(copy.dropFirst(3)) : copy
    }
}
