/// The answer of a satisfiability check.
///
/// `unknown` is an answer, not an error: a limit was reached (time, resource
/// limit) or the solver gave up, and ``unknown(reason:)`` says why.
public enum CheckResult {
    /// The assertions are satisfiable; the model gives values to their constants.
    case sat(Model)
    /// The assertions are unsatisfiable. `core` names the tracked assertions
    /// (``Solver/assert(_:named:)``) and assumptions that together are already
    /// unsatisfiable: an assertion's name, an assumption constant's name, or the
    /// SMT-LIB text of any other assumption. Empty when nothing was tracked.
    case unsat(core: [String])
    /// The solver could not decide; `reason` is Z3's explanation, such as
    /// `"timeout"`, `"max. resource limit exceeded"` or `"canceled"`.
    case unknown(reason: String)

    /// The model, when the answer is ``sat(_:)``.
    public var model: Model? {
        if case .sat(let model) = self { return model }
        return nil
    }

    /// Whether the answer is ``sat(_:)``.
    public var isSat: Bool { model != nil }

    /// Whether the answer is ``unsat(core:)``.
    public var isUnsat: Bool {
        if case .unsat = self { return true }
        return false
    }

    /// Whether the answer is ``unknown(reason:)``.
    public var isUnknown: Bool {
        if case .unknown = self { return true }
        return false
    }
}

extension CheckResult: CustomStringConvertible {
    /// `sat`, `unsat` or `unknown`, as SMT-LIB prints them, with the core or reason.
    public var description: String {
        switch self {
        case .sat: "sat"
        case .unsat(let core): core.isEmpty ? "unsat" : "unsat (core: \(core.joined(separator: ", ")))"
        case .unknown(let reason): "unknown (\(reason))"
        }
    }
}

@available(*, unavailable)
extension CheckResult: Sendable {}
