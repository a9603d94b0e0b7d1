/// A relation symbol of a ``Fixedpoint`` system: a predicate over terms of
/// fixed sorts, defined by the system's rules.
public struct Relation {
    let handle: Handle
    /// The relation's name.
    public let name: String
    /// The sorts of the relation's arguments, in order.
    public let argumentSorts: [Sort]

    /// The Boolean term `name(arguments…)`.
    ///
    /// - Precondition: the arguments have the relation's argument sorts.
    ///
    /// The corresponding C function is `Z3_mk_app`.
    public func callAsFunction(_ arguments: Term...) -> Term {
        self(arguments)
    }

    /// The Boolean term `name(arguments…)`.
    ///
    /// - Precondition: the arguments have the relation's argument sorts.
    ///
    /// The corresponding C function is `Z3_mk_app`.
    public func callAsFunction(_ arguments: [Term]) -> Term {
        precondition(
            arguments.map(\.sort) == argumentSorts,
            "SMT: \(name) takes \(argumentSorts), not \(arguments.map(\.sort))"
        )
        return handle.context.applyRelation(handle, name: name, arguments)
    }
}

extension Relation: Hashable {
    public static func == (lhs: Relation, rhs: Relation) -> Bool {
        lhs.handle === rhs.handle
            || (lhs.handle.context === rhs.handle.context
                && lhs.handle.context.astID(of: lhs.handle) == rhs.handle.context.astID(of: rhs.handle))
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(handle.context.astID(of: handle))
    }
}

extension Relation: CustomStringConvertible {
    public var description: String { name }
}

@available(*, unavailable)
extension Relation: Sendable {}

/// The answer of a ``Fixedpoint`` query.
public enum FixedpointResult {
    /// The goal is reachable: some derivation from the rules satisfies it.
    /// `answer` is Z3's description of it (for Spacer, a derivation).
    case reachable(answer: Term)
    /// The goal is unreachable in every derivation, however long.
    /// `certificate` is Z3's answer: for Spacer, an inductive invariant that
    /// interprets each relation and excludes the goal, which fresh solver
    /// queries can re-check.
    case unreachable(certificate: Term)
    /// The engine could not decide; `reason` is Z3's explanation.
    case unknown(reason: String)
}

@available(*, unavailable)
extension FixedpointResult: Sendable {}

/// A system of constrained Horn clauses over relations, solved by one of Z3's
/// fixedpoint engines (Spacer by default): unbounded reachability.
///
/// Declare relations, add rules `body ⇒ head` over universally quantified
/// variables, then ask whether a goal is reachable.
///
/// A fixedpoint keeps its context alive and stays on the context's thread or task.
public final class Fixedpoint {
    let handle: Handle
    /// The engine the fixedpoint was made with, or `nil` for Z3's choice.
    public let engine: String?

    /// The engines of Z3 4.8.12's fixedpoint parameter `engine`, which Z3
    /// itself only checks at the first query.
    static let engines: Set<String> = ["auto-config", "datalog", "bmc", "spacer", "tab", "clp", "ddnf"]

    init(context: Context, engine: String?) throws(SMTError) {
        if let engine, !Fixedpoint.engines.contains(engine) {
            throw SMTError(
                code: .invalidArgument,
                message: "unknown fixedpoint engine '\(engine)'; Z3 knows \(Fixedpoint.engines.sorted().joined(separator: ", "))"
            )
        }
        handle = try context.makeRawFixedpoint()
        self.engine = engine
        if let engine {
            try context.fixedpointSetEngine(handle, engine)
        }
    }

    var context: Context { handle.context }

    /// Declares a relation over arguments of the given sorts and registers it
    /// with the engine.
    ///
    /// - Precondition: `name` is not empty and contains neither `|` nor `\`.
    ///
    /// The corresponding C functions are `Z3_mk_func_decl` and `Z3_fixedpoint_register_relation`.
    public func declareRelation(_ name: String, _ argumentSorts: [Sort]) -> Relation {
        context.requireSymbol(name)
        let decl = context.makeRelationDecl(name, argumentSorts)
        context.fixedpointRegister(handle, decl)
        return Relation(handle: decl, name: name, argumentSorts: argumentSorts)
    }

    /// Adds a Horn clause, `head` or `body.implies(head)`, universally
    /// quantified over `variables`.
    ///
    /// - Parameters:
    ///   - rule: a Boolean term: a relation application, or an implication
    ///     whose conclusion is one.
    ///   - variables: the constants of `rule` that stand for every value.
    ///   - name: an optional name for the rule.
    /// - Throws: ``SMTError`` when Z3 rejects the rule (it is not a Horn clause).
    ///
    /// The corresponding C function is `Z3_fixedpoint_add_rule`.
    public func addRule(_ rule: Term, forAll variables: [Term] = [], name: String? = nil) throws(SMTError) {
        rule.requireBool("Fixedpoint.addRule")
        for variable in variables {
            precondition(variable.constantName != nil, "SMT: rule variable \(variable) is not a constant")
        }
        let quantified = variables.isEmpty ? rule : context.forAll(variables, rule)
        try context.fixedpointAddRule(handle, quantified, name: name ?? "")
    }

    /// Asks whether `goal` holds in some reachable state: whether some values
    /// of `variables` make it true under the least fixed point of the rules.
    ///
    /// - Precondition: `goal` is a Boolean; every variable is a constant.
    ///
    /// The corresponding C function is `Z3_fixedpoint_query`.
    public func query(_ goal: Term, exists variables: [Term] = []) -> FixedpointResult {
        goal.requireBool("Fixedpoint.query")
        for variable in variables {
            precondition(variable.constantName != nil, "SMT: query variable \(variable) is not a constant")
        }
        let quantified = variables.isEmpty ? goal : context.exists(variables, goal)
        let (answer, error) = context.fixedpointQuery(handle, quantified)
        if let error {
            return .unknown(reason: "error: \(error.message)")
        }
        do {
            switch answer {
            case .sat: return .reachable(answer: try context.fixedpointAnswer(handle))
            case .unsat: return .unreachable(certificate: try context.fixedpointAnswer(handle))
            case .unknown: return .unknown(reason: context.fixedpointReasonUnknown(handle))
            }
        } catch {
            return .unknown(reason: "no answer: \(error.message)")
        }
    }

    /// Limits each later query to about `milliseconds` of wall-clock time.
    ///
    /// The corresponding C function is `Z3_fixedpoint_set_params`, with parameter `timeout`.
    public func setTimeout(milliseconds: UInt32) {
        do {
            try context.fixedpointSetParameter(handle, "timeout", milliseconds)
        } catch {
            preconditionFailure("SMT: Z3 rejected the fixedpoint timeout: \(error.message)")
        }
    }
}

extension Fixedpoint: CustomStringConvertible {
    /// The rules in Z3's SMT-LIB-like fixedpoint syntax.
    ///
    /// The corresponding C function is `Z3_fixedpoint_to_string`.
    public var description: String { context.fixedpointString(handle) }
}

@available(*, unavailable)
extension Fixedpoint: Sendable {}

extension Context {
    /// Makes a fixedpoint (constrained Horn clause) system.
    ///
    /// - Parameter engine: Z3's fixedpoint engine: `"spacer"` (the default,
    ///   for unbounded proofs over bit-vectors), `"datalog"`, …; `nil` lets Z3 choose.
    /// - Throws: ``SMTError`` when Z3 does not know the engine.
    ///
    /// The corresponding C function is `Z3_mk_fixedpoint`.
    public func makeFixedpoint(engine: String? = "spacer") throws(SMTError) -> Fixedpoint {
        try Fixedpoint(context: self, engine: engine)
    }

    /// `(forall (variables) body)`: `body` holds for every value of the constants `variables`.
    ///
    /// - Precondition: every variable is a constant; `body` is a Boolean.
    ///
    /// The corresponding C function is `Z3_mk_forall_const`.
    public func forAll(_ variables: [Term], _ body: Term) -> Term {
        body.requireBool("forAll")
        for variable in variables {
            precondition(variable.constantName != nil, "SMT: bound variable \(variable) is not a constant")
        }
        return makeQuantifier(universal: true, variables, body)
    }

    /// `(exists (variables) body)`: `body` holds for some value of the constants `variables`.
    ///
    /// - Precondition: every variable is a constant; `body` is a Boolean.
    ///
    /// The corresponding C function is `Z3_mk_exists_const`.
    public func exists(_ variables: [Term], _ body: Term) -> Term {
        body.requireBool("exists")
        for variable in variables {
            precondition(variable.constantName != nil, "SMT: bound variable \(variable) is not a constant")
        }
        return makeQuantifier(universal: false, variables, body)
    }
}
