/// The sort (type) of a term.
public enum Sort: Hashable, Sendable, CustomStringConvertible {
    /// Booleans.
    case bool
    /// Bit-vectors of a width fixed when the term was made, 1 or more bits.
    case bitVector(width: Int)
    /// Any other sort, by its SMT-LIB name (only terms parsed from SMT-LIB text
    /// or returned by Z3 can have one).
    case other(String)

    /// The sort as SMT-LIB writes it: `Bool`, `(_ BitVec 64)`.
    public var description: String {
        switch self {
        case .bool: "Bool"
        case .bitVector(let width): "(_ BitVec \(width))"
        case .other(let name): name
        }
    }
}
