/// A 64-bit bit-vector expression in a handler guard or effect. Arithmetic wraps at 2^64
/// (so `dst + len <= limit` can be fooled by a wrap); comparisons are unsigned.
/// The built-ins `overlaps` and `within` compute exactly, without wrapping.
public struct Expr: Hashable, Sendable, CustomStringConvertible {
    public indirect enum Kind: Hashable, Sendable {
        case number(UInt64)
        /// A parameter, a `let` name, or (after validation) never a region: see `regionBase`.
        case name(String)
        /// The base address of a region (a region name used as a value).
        case regionBase(String)
        /// `R.size` or `R.end` (`R.base` becomes `regionBase`).
        case regionAttribute(String, RegionAttribute)
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case call(Builtin, [Expr])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation = .synthetic) {
        self.kind = kind
        self.location = location
    }

    public var description: String {
        switch kind {
        case .number(let n): n < 10 ? String(n) : hex(n)
        case .name(let n): n
        case .regionBase(let r): r
        case .regionAttribute(let r, let a): "\(r).\(a.rawValue)"
        case .unary(let op, let e): op.rawValue + e.atomDescription
        case .binary(let op, let a, let b): "\(a.atomDescription) \(op.rawValue) \(b.atomDescription)"
        case .call(let f, let args): "\(f.rawValue)(\(args.map(\.description).joined(separator: ", ")))"
        }
    }

    private var atomDescription: String {
        if case .binary = kind { return "(\(description))" }
        return description
    }

    /// Whether the expression is a condition (true/false) rather than a 64-bit value.
    public var isBoolean: Bool {
        switch kind {
        case .number, .name, .regionBase, .regionAttribute: false
        case .unary(let op, _): op == .not
        case .binary(let op, _, _): op.isComparison || op.isLogical
        case .call: true
        }
    }

    /// Every name the expression reads (parameters and `let`s).
    public var names: [String] {
        switch kind {
        case .name(let n): [n]
        case .number, .regionBase, .regionAttribute: []
        case .unary(_, let e): e.names
        case .binary(_, let a, let b): a.names + b.names
        case .call(_, let args): args.flatMap(\.names)
        }
    }
}

public enum RegionAttribute: String, Hashable, Sendable, CaseIterable {
    case base, size, end
}

public enum UnaryOperator: String, Hashable, Sendable {
    case negate = "-"
    case bitNot = "~"
    case not = "!"
}

public enum BinaryOperator: String, Hashable, Sendable, CaseIterable {
    case add = "+", sub = "-", mul = "*"
    case bitAnd = "&", bitOr = "|", bitXor = "^"
    case shl = "<<", shr = ">>"
    case eq = "==", ne = "!="
    case lt = "<", le = "<=", gt = ">", ge = ">="
    case and = "&&", or = "||"

    public var isComparison: Bool { [.eq, .ne, .lt, .le, .gt, .ge].contains(self) }
    public var isLogical: Bool { self == .and || self == .or }

    /// Binding strength; higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: 1
        case .and: 2
        case .eq, .ne: 3
        case .lt, .le, .gt, .ge: 4
        case .bitOr: 5
        case .bitXor: 6
        case .bitAnd: 7
        case .shl, .shr: 8
        case .add, .sub: 9
        case .mul: 10
        }
    }
}

/// Built-in predicates over byte ranges, computed without wrapping.
public enum Builtin: String, Hashable, Sendable, CaseIterable {
    /// `overlaps(a, alen, b, blen)` or `overlaps(a, alen, REGION)`: the ranges share a byte.
    case overlaps
    /// `within(a, alen, b, blen)` or `within(a, alen, REGION)`: `[a, a+alen)` lies inside `[b, b+blen)`.
    case within
}
