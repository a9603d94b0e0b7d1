/// A Z3 expression: a Boolean or a bit-vector term of its context.
///
/// Terms are values that share one Z3 AST; copying a term copies a reference.
/// `==` and hashing are by *identity*: two terms are equal when they are the
/// same AST of the same context (Z3 shares structurally equal ASTs, so
/// `x &+ y == x &+ y` holds, but `x &+ y == y &+ x` does not). For the
/// symbolic equality of two terms, which is itself a term, use `.==`.
///
/// A term keeps its ``Context`` alive and, like the context, must stay on one
/// thread or task.
///
/// Passing terms of the wrong sort or of different widths, or terms of
/// different contexts, is a programmer error that stops the program.
public struct Term {
    let handle: Handle
    /// Z3's unique id of the AST within its context (`Z3_get_ast_id`).
    let id: UInt32

    /// The sort of this term.
    public let sort: Sort

    init(_ handle: Handle) {
        self.handle = handle
        self.id = handle.context.astID(of: handle)
        self.sort = handle.context.sort(of: handle)
    }

    var context: Context { handle.context }

    /// The width of this bit-vector term.
    ///
    /// - Precondition: the term is a bit-vector.
    public var width: Int {
        guard case .bitVector(let width) = sort else {
            preconditionFailure("SMT: width of a term of sort \(sort), which is not a bit-vector")
        }
        return width
    }

    /// Whether this term is a Boolean.
    public var isBool: Bool { sort == .bool }

    /// Whether this term is a bit-vector.
    public var isBitVector: Bool {
        if case .bitVector = sort { return true }
        return false
    }

    /// The name of this term if it is an uninterpreted constant (made by
    /// ``Context/boolConst(_:)``, ``Context/bvConst(_:width:)`` or declared in
    /// SMT-LIB text), otherwise `nil`.
    public var constantName: String? { context.constantName(of: self) }

    /// The value of this term if it is the literal `true` or `false`.
    public var boolValue: Bool? { context.boolLiteral(of: self) }

    /// The value of this term if it is a bit-vector numeral that fits in 64 bits.
    public var uint64Value: UInt64? { context.uint64Numeral(of: self) }

    /// An equivalent term that Z3's simplifier rewrote; constant terms become
    /// literals and numerals.
    ///
    /// The corresponding C function is `Z3_simplify`.
    public func simplified() -> Term { context.simplify(self) }
}

extension Term: Hashable {
    public static func == (lhs: Term, rhs: Term) -> Bool {
        lhs.id == rhs.id && lhs.context === rhs.context
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(ObjectIdentifier(context))
        hasher.combine(id)
    }
}

extension Term: CustomStringConvertible {
    /// The term in SMT-LIB syntax.
    ///
    /// The corresponding C function is `Z3_ast_to_string`.
    public var description: String { context.string(of: self) }
}

@available(*, unavailable)
extension Term: Sendable {}
