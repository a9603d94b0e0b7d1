import Platform

/// Evaluates handler expressions concretely, exactly as the `.moat` language defines
/// them and as the checker encodes them in SMT-LIB:
/// - arithmetic wraps at 2^64 (`bvadd`, `bvsub`, `bvmul`); `-x` is `0 - x`;
/// - comparisons are unsigned (`bvult` …);
/// - `a << b` and `a >> b` (logical) give 0 when `b` ≥ 64, as `bvshl`/`bvlshr` do;
/// - `overlaps(a, al, b, bl)` = al ≠ 0 ∧ bl ≠ 0 ∧ a < b + bl ∧ b < a + al and
///   `within(a, al, b, bl)` = a ≥ b ∧ a + al ≤ b + bl, computed on 65 bits (no wrap);
/// - a region name is its base; `R.size` and `R.end` are its size and end.
public struct ExpressionEvaluator: Sendable {
    /// Region lookups for region-valued names.
    public let platform: Platform

    public init(platform: Platform) { self.platform = platform }

    /// The 64-bit value of `expr` with names bound in `env`.
    ///
    /// - Precondition: `expr` is a validated value expression whose names are all in `env`.
    public func value(_ expr: Expr, _ env: [String: UInt64]) -> UInt64 {
        switch expr.kind {
        case .number(let n): return n
        case .name(let name):
            guard let v = env[name] else { preconditionFailure("unbound name '\(name)' after validation") }
            return v
        case .regionBase(let r): return platform.region(named: r)?.base ?? 0
        case .regionAttribute(let r, let attribute):
            let region = platform.region(named: r)
            switch attribute {
            case .base: return region?.base ?? 0
            case .size: return region?.size ?? 0
            case .end: return region?.end ?? 0
            }
        case .unary(.negate, let x): return 0 &- value(x, env)
        case .unary(.bitNot, let x): return ~value(x, env)
        case .binary(let op, let a, let b) where !op.isComparison && !op.isLogical:
            return Self.arithmetic(op, value(a, env), value(b, env))
        case .unary(.not, _), .binary, .call:
            preconditionFailure("a condition where a value was expected: \(expr)")
        }
    }

    /// The truth of the condition `expr` with names bound in `env`.
    public func condition(_ expr: Expr, _ env: [String: UInt64]) -> Bool {
        switch expr.kind {
        case .unary(.not, let x): return !condition(x, env)
        case .binary(.and, let a, let b): return condition(a, env) && condition(b, env)
        case .binary(.or, let a, let b): return condition(a, env) || condition(b, env)
        case .binary(let op, let a, let b) where op.isComparison:
            let (x, y) = (value(a, env), value(b, env))
            switch op {
            case .eq: return x == y
            case .ne: return x != y
            case .lt: return x < y
            case .le: return x <= y
            case .gt: return x > y
            default: return x >= y
            }
        case .call(let builtin, let args) where args.count == 4:
            let v = args.map { value($0, env) }
            switch builtin {
            case .overlaps: return Self.overlaps(v[0], v[1], v[2], v[3])
            case .within: return Self.within(v[0], v[1], v[2], v[3])
            }
        default:
            preconditionFailure("a value where a condition was expected: \(expr)")
        }
    }

    /// Binary arithmetic with 64-bit wrapping; shifts by 64 or more give 0.
    public static func arithmetic(_ op: BinaryOperator, _ a: UInt64, _ b: UInt64) -> UInt64 {
        switch op {
        case .add: a &+ b
        case .sub: a &- b
        case .mul: a &* b
        case .bitAnd: a & b
        case .bitOr: a | b
        case .bitXor: a ^ b
        case .shl: b >= 64 ? 0 : a << b
        case .shr: b >= 64 ? 0 : a >> b
        default: preconditionFailure("not arithmetic: \(op)")
        }
    }

    /// A 65-bit sum as (carry, low 64 bits), compared lexicographically.
    private static func wide(_ a: UInt64, _ b: UInt64) -> (Bool, UInt64) {
        let (sum, carry) = a.addingReportingOverflow(b)
        return (carry, sum)
    }

    private static func less(_ x: (Bool, UInt64), _ y: (Bool, UInt64)) -> Bool {
        x.0 != y.0 ? !x.0 : x.1 < y.1
    }

    /// `[a, a+al)` and `[b, b+bl)` share a byte, without wrapping.
    public static func overlaps(_ a: UInt64, _ al: UInt64, _ b: UInt64, _ bl: UInt64) -> Bool {
        al != 0 && bl != 0 && less((false, a), wide(b, bl)) && less((false, b), wide(a, al))
    }

    /// `[a, a+al)` lies inside `[b, b+bl)`, without wrapping.
    public static func within(_ a: UInt64, _ al: UInt64, _ b: UInt64, _ bl: UInt64) -> Bool {
        a >= b && !less(wide(b, bl), wide(a, al))
    }
}
