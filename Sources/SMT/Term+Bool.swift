// Boolean connectives, symbolic equality and if-then-else.

extension Term {
    /// The conjunction of two Boolean terms.
    ///
    /// - Precondition: both terms are Booleans.
    public static func && (lhs: Term, rhs: Term) -> Term {
        lhs.context.and([lhs, rhs])
    }

    /// The disjunction of two Boolean terms.
    ///
    /// - Precondition: both terms are Booleans.
    public static func || (lhs: Term, rhs: Term) -> Term {
        lhs.context.or([lhs, rhs])
    }

    /// The negation of a Boolean term.
    ///
    /// - Precondition: the term is a Boolean.
    ///
    /// The corresponding C function is `Z3_mk_not`.
    public static prefix func ! (term: Term) -> Term {
        term.requireBool("!")
        return term.context.apply(.not, term)
    }

    /// `self ⇒ other`.
    ///
    /// - Precondition: both terms are Booleans.
    ///
    /// The corresponding C function is `Z3_mk_implies`.
    public func implies(_ other: Term) -> Term {
        requireBool("implies", other)
        return context.apply(.implies, self, other)
    }

    /// `self ⇔ other`.
    ///
    /// - Precondition: both terms are Booleans.
    ///
    /// The corresponding C function is `Z3_mk_eq` (Z3's `Z3_mk_iff` is the same on Booleans).
    public func iff(_ other: Term) -> Term {
        requireBool("iff", other)
        return context.apply(.eq, self, other)
    }

    /// The exclusive or of two Boolean terms.
    ///
    /// - Precondition: both terms are Booleans.
    ///
    /// The corresponding C function is `Z3_mk_xor`.
    public func xor(_ other: Term) -> Term {
        requireBool("xor", other)
        return context.apply(.xor, self, other)
    }

    /// `then` where this Boolean term holds, otherwise `otherwise`.
    ///
    /// - Precondition: this term is a Boolean and the two branches have the same sort.
    ///
    /// The corresponding C function is `Z3_mk_ite`.
    public func ite(then: Term, else otherwise: Term) -> Term {
        requireBool("ite")
        precondition(
            then.sort == otherwise.sort,
            "SMT: ite branches of sorts \(then.sort) and \(otherwise.sort) differ"
        )
        return context.makeIte(self, then, otherwise)
    }

    /// The term that holds when `lhs` and `rhs` have the same value.
    ///
    /// Unlike `==`, which asks whether two terms are the same expression, this
    /// makes a new Boolean term for the solver.
    ///
    /// - Precondition: both terms have the same sort.
    ///
    /// The corresponding C function is `Z3_mk_eq`.
    public static func .== (lhs: Term, rhs: Term) -> Term {
        precondition(lhs.sort == rhs.sort, "SMT: .== of terms of sorts \(lhs.sort) and \(rhs.sort)")
        return lhs.context.apply(.eq, lhs, rhs)
    }

    /// The term that holds when `lhs` and `rhs` have different values.
    ///
    /// - Precondition: both terms have the same sort.
    public static func .!= (lhs: Term, rhs: Term) -> Term {
        !(lhs .== rhs)
    }

    func requireBool(_ operation: String, _ other: Term? = nil) {
        precondition(isBool, "SMT: \(operation) of a term of sort \(sort), not Bool")
        if let other {
            precondition(other.isBool, "SMT: \(operation) of a term of sort \(other.sort), not Bool")
        }
    }
}
