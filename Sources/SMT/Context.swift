/// A Z3 context: the factory and owner of terms, solvers and models.
///
/// Z3 contexts are not thread-safe, so a context is not `Sendable`: make one
/// per thread or task, and hand plain values (numbers, strings, verdicts)
/// across. Every term, solver and model keeps its context alive; the Z3
/// context is deleted when the last of them is gone.
///
/// The context is created with reference counting (`Z3_mk_context_rc`) and with
/// Z3's default error handler — which prints and exits — replaced: errors that
/// input can cause are thrown as ``SMTError``.
@safe
public final class Context {
    /// The `Z3_context`.
    let raw: OpaquePointer
    /// Live handles of this context, not counting the context itself.
    var ownedHandles = 0

    /// Creates a context.
    ///
    /// - Throws: ``SMTError`` if Z3 cannot create one.
    public init() throws(SMTError) {
        unsafe raw = try Context.makeRawContext()
        liveHandles.add(1, ordering: .relaxed)
    }

    deinit {
        deleteRawContext()
        liveHandles.subtract(1, ordering: .relaxed)
    }

    // MARK: Debug counters

    /// The number of live wrapper handles in this process: contexts plus the
    /// Z3 objects (terms, sorts, solvers, models, …) that they hold.
    ///
    /// Zero once every context and everything made from it is gone. Meant for
    /// tests that look for leaks; other threads' contexts count too.
    public static var liveHandleCount: Int {
        liveHandles.load(ordering: .relaxed)
    }

    /// The number of live Z3 objects that this context's wrappers hold (the
    /// context itself not counted).
    public var liveObjectCount: Int { ownedHandles }

    // MARK: Booleans

    /// The literal `true` or `false`.
    ///
    /// The corresponding C functions are `Z3_mk_true` and `Z3_mk_false`.
    public func bool(_ value: Bool) -> Term {
        makeBoolLiteral(value)
    }

    /// The Boolean constant (a free variable) with this name.
    ///
    /// The same name always gives the same term.
    ///
    /// - Precondition: `name` is not empty and contains neither `|` nor `\`,
    ///   which SMT-LIB cannot write in a symbol.
    ///
    /// The corresponding C function is `Z3_mk_const`.
    public func boolConst(_ name: String) -> Term {
        requireSymbol(name)
        return makeConstant(name, sort: .bool)
    }

    /// The conjunction of `terms`; `true` when there are none.
    ///
    /// - Precondition: every term is a Boolean.
    ///
    /// The corresponding C function is `Z3_mk_and`.
    public func and(_ terms: [Term]) -> Term {
        precondition(terms.allSatisfy(\.isBool), "SMT: and() of a term that is not a Boolean")
        // Z3 prints an empty conjunction as `(and)`, which other solvers reject: write `true`.
        if terms.isEmpty { return bool(true) }
        if terms.count == 1 { return terms[0] }
        return apply(.and, terms)
    }

    /// The disjunction of `terms`; `false` when there are none.
    ///
    /// - Precondition: every term is a Boolean.
    ///
    /// The corresponding C function is `Z3_mk_or`.
    public func or(_ terms: [Term]) -> Term {
        precondition(terms.allSatisfy(\.isBool), "SMT: or() of a term that is not a Boolean")
        if terms.isEmpty { return bool(false) }
        if terms.count == 1 { return terms[0] }
        return apply(.or, terms)
    }

    // MARK: Bit-vectors

    /// The bit-vector numeral `value` of `width` bits.
    ///
    /// Widths above 64 are allowed; the value is zero-extended to them.
    ///
    /// - Precondition: `width` is at least 1, and `value` fits in `width` bits.
    ///
    /// The corresponding C function is `Z3_mk_unsigned_int64`.
    public func bv(_ value: UInt64, width: Int) -> Term {
        precondition(width >= 1, "SMT: bit-vector width \(width) is not positive")
        precondition(
            width >= 64 || value >> UInt64(width) == 0,
            "SMT: \(value) does not fit in a bit-vector of width \(width)"
        )
        return makeNumeral(value, width: width)
    }

    /// The bit-vector constant (a free variable) with this name and width.
    ///
    /// The same name and width always give the same term.
    ///
    /// - Precondition: `width` is at least 1, and `name` is not empty and
    ///   contains neither `|` nor `\`, which SMT-LIB cannot write in a symbol.
    ///
    /// The corresponding C function is `Z3_mk_const`.
    public func bvConst(_ name: String, width: Int) -> Term {
        precondition(width >= 1, "SMT: bit-vector width \(width) is not positive")
        requireSymbol(name)
        return makeConstant(name, sort: .bitVector(width: width))
    }
}

extension Context {
    /// Stops on a name that no SMT-LIB symbol can spell, simple or `|quoted|`:
    /// the exported query would not parse.
    func requireSymbol(_ name: String) {
        precondition(!name.isEmpty, "SMT: a name must not be empty")
        precondition(
            !name.contains("|") && !name.contains("\\"),
            "SMT: the name \"\(name)\" contains | or \\, which SMT-LIB symbols cannot contain"
        )
    }
}

@available(*, unavailable)
extension Context: Sendable {}
