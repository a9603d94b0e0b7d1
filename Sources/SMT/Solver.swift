/// An incremental Z3 solver: assertions in nested scopes, checked for
/// satisfiability, with models, unsat cores and resource limits.
///
/// A solver keeps its context alive and stays on the context's thread or task.
public final class Solver {
    let handle: Handle
    /// The SMT-LIB logic the solver was made for, if one was named.
    public let logic: String?
    /// What each open scope asserted, outermost first.
    private var frames: [Frame] = [Frame()]

    private struct Frame {
        /// The asserted terms, for export.
        var assertions: [Term] = []
        /// The name of each tracking constant made by `assert(_:named:)`.
        var trackers: [Term: String] = [:]
    }

    init(context: Context, logic: String?) throws(SMTError) {
        self.handle = try context.makeRawSolver(logic: logic)
        self.logic = logic
    }

    var context: Context { handle.context }

    // MARK: Scopes

    /// The number of open scopes (pushes not yet popped).
    public var scopeCount: Int { frames.count - 1 }

    /// Opens a scope: assertions made from now on are dropped by the matching ``pop(_:)``.
    ///
    /// The corresponding C function is `Z3_solver_push`.
    public func push() {
        context.solverPush(handle)
        frames.append(Frame())
    }

    /// Closes the `count` innermost scopes and drops their assertions.
    ///
    /// - Precondition: `0 ≤ count ≤ scopeCount`.
    ///
    /// The corresponding C function is `Z3_solver_pop`.
    public func pop(_ count: Int = 1) {
        precondition(
            count >= 0 && count <= scopeCount,
            "SMT: pop(\(count)) with \(scopeCount) open scopes"
        )
        guard count > 0 else { return }
        context.solverPop(handle, count)
        frames.removeLast(count)
    }

    // MARK: Assertions

    /// Asserts a Boolean term in the innermost scope.
    ///
    /// - Precondition: `term` is a Boolean of the solver's context.
    ///
    /// The corresponding C function is `Z3_solver_assert`.
    public func assert(_ term: Term) {
        term.requireBool("Solver.assert")
        context.solverAssert(handle, term)
        frames[frames.count - 1].assertions.append(term)
    }

    /// Asserts a Boolean term and tracks it under `name`: when the assertions
    /// are unsatisfiable, the unsat core lists the names of the tracked
    /// assertions that take part.
    ///
    /// A fresh Boolean constant stands for the assertion, so the name never
    /// clashes with the constants of the query.
    ///
    /// - Precondition: `term` is a Boolean of the solver's context, and `name`
    ///   is not empty and contains neither `|` nor `\`.
    ///
    /// The corresponding C function is `Z3_solver_assert_and_track`.
    public func assert(_ term: Term, named name: String) {
        term.requireBool("Solver.assert(_:named:)")
        context.requireSymbol(name)
        let tracker = context.makeFreshConstant(prefix: name, sort: .bool)
        context.solverAssertAndTrack(handle, term, tracker: tracker)
        frames[frames.count - 1].trackers[tracker] = name
        frames[frames.count - 1].assertions.append(term)
    }

    /// The asserted terms of all open scopes, in the order they were asserted.
    public var assertions: [Term] { frames.flatMap(\.assertions) }

    // MARK: Checking

    /// Checks whether the assertions are satisfiable.
    ///
    /// The corresponding C function is `Z3_solver_check`.
    public func check() -> CheckResult {
        check(assuming: [])
    }

    /// Checks whether the assertions are satisfiable together with `assumptions`,
    /// which hold for this check only.
    ///
    /// When the answer is unsat, the core names the tracked assertions and the
    /// assumptions that are responsible. Assumptions are best Boolean
    /// constants or their negations.
    ///
    /// - Precondition: every assumption is a Boolean of the solver's context.
    ///
    /// The corresponding C function is `Z3_solver_check_assumptions`.
    public func check(assuming assumptions: [Term]) -> CheckResult {
        for assumption in assumptions {
            assumption.requireBool("Solver.check(assuming:)")
        }
        Self.countCheck()
        let (answer, error) = context.solverCheck(handle, assuming: assumptions)
        if let error {
            return .unknown(reason: "error: \(error.message)")
        }
        switch answer {
        case .sat:
            do {
                return .sat(Model(try context.solverModel(handle)))
            } catch {
                return .unknown(reason: "sat, but no model: \(error.message)")
            }
        case .unsat:
            let core = context.solverUnsatCore(handle)
            return .unsat(core: core.map { literal in
                frames.lazy.compactMap { $0.trackers[literal] }.first
                    ?? literal.constantName ?? literal.description
            })
        case .unknown:
            return .unknown(reason: context.solverReasonUnknown(handle))
        }
    }

    // MARK: Limits

    /// Limits each later check to about `milliseconds` of wall-clock time;
    /// a check that runs out answers ``CheckResult/unknown(reason:)``.
    ///
    /// Wall-clock limits make results depend on the machine; prefer
    /// ``setRLimit(_:)`` where determinism matters.
    ///
    /// The corresponding C function is `Z3_solver_set_params`, with parameter `timeout`.
    public func setTimeout(milliseconds: UInt32) {
        setParameter("timeout", milliseconds)
    }

    /// Limits each later check to `limit` units of Z3's deterministic resource
    /// counter; a check that runs out answers ``CheckResult/unknown(reason:)``.
    /// Zero means no limit. The limit applies to each check on its own.
    ///
    /// Z3 4.8.12 words the reason differently depending on the solver it
    /// runs: "max. resource limit exceeded", "canceled", and, for a `QF_BV`
    /// solver after a `push`, "no reason given". Treat any `unknown` after a
    /// limit as the limit.
    ///
    /// The corresponding C function is `Z3_solver_set_params`, with parameter `rlimit`.
    public func setRLimit(_ limit: UInt32) {
        setParameter("rlimit", limit)
    }

    private func setParameter(_ name: String, _ value: UInt32) {
        do {
            try context.solverSetParameter(handle, name, value)
        } catch {
            preconditionFailure("SMT: Z3 rejected solver parameter \(name): \(error.message)")
        }
    }

    // MARK: Export

    /// The query as an SMT-LIB 2 script: `(set-logic …)`, the declarations of
    /// its constants, one `(assert …)` per assertion of the open scopes, and
    /// `(check-sat)`.
    ///
    /// The logic is the solver's, or `ALL` when it has none. Tracked assertions
    /// are written as plain assertions. The text parses with
    /// ``Context/parseSMTLIB2(_:)`` and with other solvers.
    ///
    /// The corresponding C function is `Z3_benchmark_to_smtlib_string`.
    public func smtlib2() -> String {
        context.benchmark(logic: logic ?? "ALL", assertions: assertions)
    }
}

@available(*, unavailable)
extension Solver: Sendable {}

extension Context {
    /// Makes a solver.
    ///
    /// - Parameter logic: an SMT-LIB logic such as `"QF_BV"`, which lets Z3
    ///   pick a solver for it; `nil` for Z3's general solver.
    /// - Throws: ``SMTError`` when Z3 does not know the logic.
    ///
    /// The corresponding C functions are `Z3_mk_solver_for_logic` and `Z3_mk_solver`.
    public func makeSolver(logic: String? = nil) throws(SMTError) -> Solver {
        try Solver(context: self, logic: logic)
    }

    /// Parses SMT-LIB 2 text and returns its assertions.
    ///
    /// The text declares its own constants (`declare-const`, `declare-fun`);
    /// a constant declared with the name and sort of a term of this context is
    /// that term. Commands such as `set-logic` and `check-sat` are accepted and
    /// have no effect.
    ///
    /// - Throws: ``SMTError`` with Z3's message (usually code
    ///   ``SMTError/Code/parserError``) when the text is malformed or uses an
    ///   undeclared symbol.
    ///
    /// The corresponding C function is `Z3_parse_smtlib2_string`.
    public func parseSMTLIB2(_ text: String) throws(SMTError) -> [Term] {
        try parseSMTLIB2Assertions(text)
    }
}
