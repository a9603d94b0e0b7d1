// Z3 calls for quantifiers, relations and the fixedpoint (Horn clause) engine.
// See Z3Calls.swift for the rules.

internal import CZ3

// MARK: - Quantifiers and relations

extension Context {
    /// `(forall (variables) body)` or `(exists (variables) body)`.
    func makeQuantifier(universal: Bool, _ variables: [Term], _ body: Term) -> Term {
        precondition(body.context === self, "SMT: a term from another context was passed to this one")
        return unsafe withRawASTs(variables) { count, bound in
            unsafe makeTerm("quantifier over \(count) variables") { c in
                // A constant's Z3_app is the same pointer as its Z3_ast.
                universal
                    ? unsafe Z3_mk_forall_const(c, 0, count, bound, 0, nil, body.raw)
                    : unsafe Z3_mk_exists_const(c, 0, count, bound, 0, nil, body.raw)
            }
        }
    }

    /// Declares a function from `argumentSorts` to Bool.
    func makeRelationDecl(_ name: String, _ argumentSorts: [Sort]) -> Handle {
        let domain = argumentSorts.map { makeSort($0) }
        let range = makeSort(.bool)
        let symbol = unsafe symbol(name)
        let raws: [OpaquePointer?] = unsafe domain.map { unsafe $0.raw }
        let result: Result<Handle, SMTError> = unsafe raws.withUnsafeBufferPointer { sorts in
            Result { () throws(SMTError) -> Handle in
                try unsafe make(.ast) { c in
                    unsafe Z3_mk_func_decl(c, symbol, UInt32(sorts.count), sorts.baseAddress, range.raw)
                }
            }
        }
        switch result {
        case .success(let decl): return decl
        case .failure(let error): preconditionFailure("SMT: Z3 rejected relation \(name): \(error.message)")
        }
    }

    func applyRelation(_ decl: Handle, name: String, _ arguments: [Term]) -> Term {
        unsafe withRawASTs(arguments) { count, args in
            unsafe makeTerm("application of \(name)") { c in unsafe Z3_mk_app(c, decl.raw, count, args) }
        }
    }
}

// MARK: - Fixedpoint engine

extension Context {
    func makeRawFixedpoint() throws(SMTError) -> Handle {
        try unsafe make(.fixedpoint) { c in unsafe Z3_mk_fixedpoint(c) }
    }

    func fixedpointSetEngine(_ fixedpoint: Handle, _ engine: String) throws(SMTError) {
        let params = try unsafe make(.params) { c in unsafe Z3_mk_params(c) }
        let (key, value) = unsafe (symbol("engine"), symbol(engine))
        unsafe Z3_params_set_symbol(raw, params.raw, key, value)
        if let error = pendingError() { throw error }
        unsafe Z3_fixedpoint_set_params(raw, fixedpoint.raw, params.raw)
        if let error = pendingError() { throw error }
    }

    func fixedpointSetParameter(_ fixedpoint: Handle, _ name: String, _ value: UInt32) throws(SMTError) {
        let params = try unsafe make(.params) { c in unsafe Z3_mk_params(c) }
        let key = unsafe symbol(name)
        unsafe Z3_params_set_uint(raw, params.raw, key, value)
        if let error = pendingError() { throw error }
        unsafe Z3_fixedpoint_set_params(raw, fixedpoint.raw, params.raw)
        if let error = pendingError() { throw error }
    }

    func fixedpointRegister(_ fixedpoint: Handle, _ relation: Handle) {
        unsafe Z3_fixedpoint_register_relation(raw, fixedpoint.raw, relation.raw)
        trapOnError("relation registration")
    }

    func fixedpointAddRule(_ fixedpoint: Handle, _ rule: Term, name: String) throws(SMTError) {
        let symbol = unsafe symbol(name)
        unsafe Z3_fixedpoint_add_rule(raw, fixedpoint.raw, rule.raw, symbol)
        if let error = pendingError() { throw error }
    }

    func fixedpointQuery(_ fixedpoint: Handle, _ goal: Term) -> (RawCheckResult, SMTError?) {
        let answer = unsafe Z3_fixedpoint_query(raw, fixedpoint.raw, goal.raw)
        let error = pendingError()
        switch answer {
        case Z3_L_TRUE: return (.sat, error)
        case Z3_L_FALSE: return (.unsat, error)
        default: return (.unknown, error)
        }
    }

    func fixedpointAnswer(_ fixedpoint: Handle) throws(SMTError) -> Term {
        Term(try unsafe make(.ast) { c in unsafe Z3_fixedpoint_get_answer(c, fixedpoint.raw) })
    }

    func fixedpointReasonUnknown(_ fixedpoint: Handle) -> String {
        unsafe Context.copy(Z3_fixedpoint_get_reason_unknown(raw, fixedpoint.raw)) ?? ""
    }

    func fixedpointString(_ fixedpoint: Handle) -> String {
        unsafe Context.copy(Z3_fixedpoint_to_string(raw, fixedpoint.raw, 0, nil)) ?? ""
    }
}
