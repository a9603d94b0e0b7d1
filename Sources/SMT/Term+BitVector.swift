// Bit-vector arithmetic, comparisons and bit manipulation.
//
// Arithmetic wraps at the width, as SMT-LIB defines it: `&+`, `&-`, `&*`.
// Where signedness matters the operation says so in its name (`ult`/`slt`,
// `udiv`/`sdiv`, `lshr`/`ashr`). Division by zero follows SMT-LIB: `x udiv 0`
// is all ones, `x urem 0` is `x`.

extension Term {
    /// Wrapping addition (`bvadd`). The corresponding C function is `Z3_mk_bvadd`.
    public static func &+ (lhs: Term, rhs: Term) -> Term { lhs.bitVector(.bvadd, rhs) }
    /// Wrapping subtraction (`bvsub`). The corresponding C function is `Z3_mk_bvsub`.
    public static func &- (lhs: Term, rhs: Term) -> Term { lhs.bitVector(.bvsub, rhs) }
    /// Wrapping multiplication (`bvmul`). The corresponding C function is `Z3_mk_bvmul`.
    public static func &* (lhs: Term, rhs: Term) -> Term { lhs.bitVector(.bvmul, rhs) }
    /// Bitwise and (`bvand`). The corresponding C function is `Z3_mk_bvand`.
    public static func & (lhs: Term, rhs: Term) -> Term { lhs.bitVector(.bvand, rhs) }
    /// Bitwise or (`bvor`). The corresponding C function is `Z3_mk_bvor`.
    public static func | (lhs: Term, rhs: Term) -> Term { lhs.bitVector(.bvor, rhs) }
    /// Bitwise exclusive or (`bvxor`). The corresponding C function is `Z3_mk_bvxor`.
    public static func ^ (lhs: Term, rhs: Term) -> Term { lhs.bitVector(.bvxor, rhs) }

    /// Two's-complement negation, wrapping (`bvneg`). The corresponding C function is `Z3_mk_bvneg`.
    public static prefix func - (term: Term) -> Term {
        term.requireBitVector("-")
        return term.context.apply(.bvneg, term)
    }

    /// Bitwise complement (`bvnot`). The corresponding C function is `Z3_mk_bvnot`.
    public static prefix func ~ (term: Term) -> Term {
        term.requireBitVector("~")
        return term.context.apply(.bvnot, term)
    }

    /// Unsigned division; all ones when `divisor` is zero. C: `Z3_mk_bvudiv`.
    public func udiv(_ divisor: Term) -> Term { bitVector(.bvudiv, divisor) }
    /// Signed division, rounding toward zero. C: `Z3_mk_bvsdiv`.
    public func sdiv(_ divisor: Term) -> Term { bitVector(.bvsdiv, divisor) }
    /// Unsigned remainder; `self` when `divisor` is zero. C: `Z3_mk_bvurem`.
    public func urem(_ divisor: Term) -> Term { bitVector(.bvurem, divisor) }
    /// Signed remainder, with the sign of `self`. C: `Z3_mk_bvsrem`.
    public func srem(_ divisor: Term) -> Term { bitVector(.bvsrem, divisor) }

    /// Shift left by `amount` bits (zero when `amount` ≥ width). C: `Z3_mk_bvshl`.
    public func shl(_ amount: Term) -> Term { bitVector(.bvshl, amount) }
    /// Logical (unsigned) shift right. C: `Z3_mk_bvlshr`.
    public func lshr(_ amount: Term) -> Term { bitVector(.bvlshr, amount) }
    /// Arithmetic (signed) shift right. C: `Z3_mk_bvashr`.
    public func ashr(_ amount: Term) -> Term { bitVector(.bvashr, amount) }

    /// Unsigned `<`. C: `Z3_mk_bvult`.
    public func ult(_ other: Term) -> Term { bitVector(.bvult, other) }
    /// Unsigned `≤`. C: `Z3_mk_bvule`.
    public func ule(_ other: Term) -> Term { bitVector(.bvule, other) }
    /// Unsigned `>`. C: `Z3_mk_bvugt`.
    public func ugt(_ other: Term) -> Term { bitVector(.bvugt, other) }
    /// Unsigned `≥`. C: `Z3_mk_bvuge`.
    public func uge(_ other: Term) -> Term { bitVector(.bvuge, other) }
    /// Signed (two's-complement) `<`. C: `Z3_mk_bvslt`.
    public func slt(_ other: Term) -> Term { bitVector(.bvslt, other) }
    /// Signed `≤`. C: `Z3_mk_bvsle`.
    public func sle(_ other: Term) -> Term { bitVector(.bvsle, other) }
    /// Signed `>`. C: `Z3_mk_bvsgt`.
    public func sgt(_ other: Term) -> Term { bitVector(.bvsgt, other) }
    /// Signed `≥`. C: `Z3_mk_bvsge`.
    public func sge(_ other: Term) -> Term { bitVector(.bvsge, other) }

    /// The Boolean term that holds when `self &+ other` wraps around, read as
    /// unsigned numbers (the carry out of the top bit is set).
    ///
    /// The corresponding C function is `Z3_mk_bvadd_no_overflow`, negated.
    public func addOverflows(_ other: Term) -> Term {
        !bitVector(.bvaddNoOverflowUnsigned, other)
    }

    /// The Boolean term that holds when `self &* other` wraps around, read as
    /// unsigned numbers.
    ///
    /// Written with standard SMT-LIB operators (Z3's own `bvumul_noovfl` is not
    /// understood by other solvers): the high half of the double-width product
    /// is not zero.
    public func multiplyOverflows(_ other: Term) -> Term {
        requireSameWidth("multiplyOverflows", other)
        let width = self.width
        let product = zeroExtend(by: width) &* other.zeroExtend(by: width)
        return product.extract(high: 2 * width - 1, low: width) .!= context.bv(0, width: width)
    }

    /// Bits `high` down to `low` of this term, a bit-vector of width `high - low + 1`.
    ///
    /// - Precondition: `0 ≤ low ≤ high < width`.
    ///
    /// The corresponding C function is `Z3_mk_extract`.
    public func extract(high: Int, low: Int) -> Term {
        requireBitVector("extract")
        precondition(
            0 <= low && low <= high && high < width,
            "SMT: extract(high: \(high), low: \(low)) of a bit-vector of width \(width)"
        )
        return context.makeExtract(high: high, low: low, self)
    }

    /// This term followed by `low`: a bit-vector of the summed width whose high
    /// bits are `self`.
    ///
    /// The corresponding C function is `Z3_mk_concat`.
    public func concat(_ low: Term) -> Term {
        requireBitVector("concat")
        low.requireBitVector("concat")
        return context.apply(.concat, self, low)
    }

    /// This term widened by `bits` zero bits on top.
    ///
    /// - Precondition: `bits ≥ 0`.
    ///
    /// The corresponding C function is `Z3_mk_zero_ext`.
    public func zeroExtend(by bits: Int) -> Term {
        requireBitVector("zeroExtend")
        precondition(bits >= 0, "SMT: zeroExtend(by: \(bits)) by a negative number of bits")
        return bits == 0 ? self : context.makeZeroExtend(by: bits, self)
    }

    /// This term widened by `bits` copies of its sign bit.
    ///
    /// - Precondition: `bits ≥ 0`.
    ///
    /// The corresponding C function is `Z3_mk_sign_ext`.
    public func signExtend(by bits: Int) -> Term {
        requireBitVector("signExtend")
        precondition(bits >= 0, "SMT: signExtend(by: \(bits)) by a negative number of bits")
        return bits == 0 ? self : context.makeSignExtend(by: bits, self)
    }

    func requireBitVector(_ operation: String) {
        precondition(isBitVector, "SMT: \(operation) of a term of sort \(sort), not a bit-vector")
    }

    func requireSameWidth(_ operation: String, _ other: Term) {
        requireBitVector(operation)
        other.requireBitVector(operation)
        precondition(
            width == other.width,
            "SMT: \(operation) of bit-vectors of widths \(width) and \(other.width); they must be equal"
        )
    }

    private func bitVector(_ op: BinaryOperator, _ other: Term) -> Term {
        requireSameWidth(op.rawValue, other)
        return context.apply(op, self, other)
    }
}
