/// A satisfying assignment found by a ``Solver``.
///
/// A model keeps its context alive and stays on the context's thread or task.
public final class Model {
    let handle: Handle

    init(_ handle: Handle) {
        self.handle = handle
    }

    var context: Context { handle.context }

    /// The value of `term` in this model.
    ///
    /// - Parameters:
    ///   - term: a term of the model's context.
    ///   - completion: whether constants the model leaves open get a default
    ///     value (so that the result is a literal or numeral); otherwise they
    ///     stay symbolic in the result.
    /// - Throws: ``SMTError`` if Z3 cannot evaluate the term.
    ///
    /// The corresponding C function is `Z3_model_eval`.
    public func eval(_ term: Term, completion: Bool = true) throws(SMTError) -> Term {
        try context.modelEval(handle, term, completion: completion)
    }

    /// The value of a bit-vector term in this model, or `nil` when it does not
    /// fit in 64 bits.
    ///
    /// - Precondition: `term` is a bit-vector.
    /// - Throws: ``SMTError`` if Z3 cannot evaluate the term.
    public func uint64(_ term: Term) throws(SMTError) -> UInt64? {
        term.requireBitVector("Model.uint64")
        return try eval(term).uint64Value
    }

    /// The value of a Boolean term in this model.
    ///
    /// - Precondition: `term` is a Boolean.
    /// - Throws: ``SMTError`` if Z3 cannot evaluate the term.
    public func bool(_ term: Term) throws(SMTError) -> Bool? {
        term.requireBool("Model.bool")
        return try eval(term).boolValue
    }
}

extension Model: CustomStringConvertible {
    /// The model as Z3 prints it: one `define-fun` per constant.
    ///
    /// The corresponding C function is `Z3_model_to_string`.
    public var description: String { context.modelString(handle) }
}

@available(*, unavailable)
extension Model: Sendable {}
