// Z3 calls that make and inspect terms and sorts. See Z3Calls.swift for the rules.

internal import CZ3

/// Operators of one term; the raw value names the operator in messages.
enum UnaryOperator: String {
    case not
    case bvnot
    case bvneg
}

/// Operators of two terms; the raw value names the operator in messages.
enum BinaryOperator: String {
    case implies = "=>"
    case xor
    case eq = "="
    case bvadd, bvsub, bvmul
    case bvudiv, bvsdiv, bvurem, bvsrem
    case bvand, bvor, bvxor
    case bvshl, bvlshr, bvashr
    case bvult, bvule, bvugt, bvuge
    case bvslt, bvsle, bvsgt, bvsge
    case concat
    case bvaddNoOverflowUnsigned = "bvadd-no-overflow"
}

/// Operators of any number of terms.
enum NaryOperator: String {
    case and
    case or
}

// MARK: - Making terms

extension Context {
    /// Makes the Z3 sort for a Boolean or bit-vector sort.
    func makeSort(_ sort: Sort) -> Handle {
        do {
            return try unsafe make(.ast) { c in
                switch sort {
                case .bool: unsafe Z3_mk_bool_sort(c)
                case .bitVector(let width): unsafe Z3_mk_bv_sort(c, UInt32(width))
                case .other(let name): preconditionFailure("SMT: cannot make terms of sort \(name)")
                }
            }
        } catch {
            preconditionFailure("SMT: Z3 rejected sort \(sort): \(error.message)")
        }
    }

    func makeBoolLiteral(_ value: Bool) -> Term {
        unsafe makeTerm("\(value)") { c in unsafe value ? Z3_mk_true(c) : Z3_mk_false(c) }
    }

    func makeConstant(_ name: String, sort: Sort) -> Term {
        let z3Sort = makeSort(sort)
        let symbol = unsafe symbol(name)
        return unsafe makeTerm("constant \(name) of sort \(sort)") { c in
            unsafe Z3_mk_const(c, symbol, z3Sort.raw)
        }
    }

    /// A constant whose name starts with `prefix` and is new to this context.
    func makeFreshConstant(prefix: String, sort: Sort) -> Term {
        let z3Sort = makeSort(sort)
        return unsafe makeTerm("fresh constant \(prefix)") { c in
            unsafe Z3_mk_fresh_const(c, prefix, z3Sort.raw)
        }
    }

    func makeNumeral(_ value: UInt64, width: Int) -> Term {
        let z3Sort = makeSort(.bitVector(width: width))
        return unsafe makeTerm("numeral \(value) of width \(width)") { c in
            unsafe Z3_mk_unsigned_int64(c, value, z3Sort.raw)
        }
    }

    func apply(_ op: UnaryOperator, _ term: Term) -> Term {
        precondition(term.context === self, "SMT: a term from another context was passed to this one")
        return unsafe makeTerm("(\(op.rawValue) \(term))") { c in
            switch op {
            case .not: unsafe Z3_mk_not(c, term.raw)
            case .bvnot: unsafe Z3_mk_bvnot(c, term.raw)
            case .bvneg: unsafe Z3_mk_bvneg(c, term.raw)
            }
        }
    }

    func apply(_ op: BinaryOperator, _ lhs: Term, _ rhs: Term) -> Term {
        precondition(
            lhs.context === self && rhs.context === self,
            "SMT: a term from another context was passed to this one"
        )
        return unsafe makeTerm("(\(op.rawValue) \(lhs) \(rhs))") { c in
            let (a, b) = unsafe (lhs.raw, rhs.raw)
            return switch op {
            case .implies: unsafe Z3_mk_implies(c, a, b)
            case .xor: unsafe Z3_mk_xor(c, a, b)
            case .eq: unsafe Z3_mk_eq(c, a, b)
            case .bvadd: unsafe Z3_mk_bvadd(c, a, b)
            case .bvsub: unsafe Z3_mk_bvsub(c, a, b)
            case .bvmul: unsafe Z3_mk_bvmul(c, a, b)
            case .bvudiv: unsafe Z3_mk_bvudiv(c, a, b)
            case .bvsdiv: unsafe Z3_mk_bvsdiv(c, a, b)
            case .bvurem: unsafe Z3_mk_bvurem(c, a, b)
            case .bvsrem: unsafe Z3_mk_bvsrem(c, a, b)
            case .bvand: unsafe Z3_mk_bvand(c, a, b)
            case .bvor: unsafe Z3_mk_bvor(c, a, b)
            case .bvxor: unsafe Z3_mk_bvxor(c, a, b)
            case .bvshl: unsafe Z3_mk_bvshl(c, a, b)
            case .bvlshr: unsafe Z3_mk_bvlshr(c, a, b)
            case .bvashr: unsafe Z3_mk_bvashr(c, a, b)
            case .bvult: unsafe Z3_mk_bvult(c, a, b)
            case .bvule: unsafe Z3_mk_bvule(c, a, b)
            case .bvugt: unsafe Z3_mk_bvugt(c, a, b)
            case .bvuge: unsafe Z3_mk_bvuge(c, a, b)
            case .bvslt: unsafe Z3_mk_bvslt(c, a, b)
            case .bvsle: unsafe Z3_mk_bvsle(c, a, b)
            case .bvsgt: unsafe Z3_mk_bvsgt(c, a, b)
            case .bvsge: unsafe Z3_mk_bvsge(c, a, b)
            case .concat: unsafe Z3_mk_concat(c, a, b)
            case .bvaddNoOverflowUnsigned: unsafe Z3_mk_bvadd_no_overflow(c, a, b, false)
            }
        }
    }

    func apply(_ op: NaryOperator, _ terms: [Term]) -> Term {
        unsafe withRawASTs(terms) { count, asts in
            unsafe makeTerm("(\(op.rawValue) …) of \(count) terms") { c in
                switch op {
                case .and: unsafe Z3_mk_and(c, count, asts)
                case .or: unsafe Z3_mk_or(c, count, asts)
                }
            }
        }
    }

    func makeIte(_ condition: Term, _ then: Term, _ otherwise: Term) -> Term {
        precondition(
            condition.context === self && then.context === self && otherwise.context === self,
            "SMT: a term from another context was passed to this one"
        )
        return unsafe makeTerm("(ite \(condition) …)") { c in
            unsafe Z3_mk_ite(c, condition.raw, then.raw, otherwise.raw)
        }
    }

    func makeExtract(high: Int, low: Int, _ term: Term) -> Term {
        unsafe makeTerm("((_ extract \(high) \(low)) \(term))") { c in
            unsafe Z3_mk_extract(c, UInt32(high), UInt32(low), term.raw)
        }
    }

    func makeZeroExtend(by bits: Int, _ term: Term) -> Term {
        unsafe makeTerm("((_ zero_extend \(bits)) \(term))") { c in
            unsafe Z3_mk_zero_ext(c, UInt32(bits), term.raw)
        }
    }

    func makeSignExtend(by bits: Int, _ term: Term) -> Term {
        unsafe makeTerm("((_ sign_extend \(bits)) \(term))") { c in
            unsafe Z3_mk_sign_ext(c, UInt32(bits), term.raw)
        }
    }

    func simplify(_ term: Term) -> Term {
        unsafe makeTerm("simplification of \(term)") { c in unsafe Z3_simplify(c, term.raw) }
    }
}

// MARK: - Inspecting terms

extension Context {
    func astID(of handle: Handle) -> UInt32 {
        unsafe Z3_get_ast_id(raw, handle.raw)
    }

    func sort(of handle: Handle) -> Sort {
        guard let sortPointer = unsafe Z3_get_sort(raw, handle.raw) else {
            preconditionFailure("SMT: Z3 returned no sort for a term")
        }
        let sort = unsafe Handle(.ast, sortPointer, in: self)
        switch unsafe Z3_get_sort_kind(raw, sort.raw) {
        case Z3_BOOL_SORT:
            return .bool
        case Z3_BV_SORT:
            return .bitVector(width: Int(unsafe Z3_get_bv_sort_size(raw, sort.raw)))
        default:
            return .other(unsafe Context.copy(Z3_sort_to_string(raw, sort.raw)) ?? "?")
        }
    }

    func string(of term: Term) -> String {
        unsafe Context.copy(Z3_ast_to_string(raw, term.raw)) ?? ""
    }

    func constantName(of term: Term) -> String? {
        let ast = unsafe term.raw
        // A Z3_app is the same pointer as its Z3_ast; it needs no reference of its own.
        guard unsafe Z3_is_app(raw, ast), unsafe Z3_get_app_num_args(raw, ast) == 0,
              let declPointer = unsafe Z3_get_app_decl(raw, ast)
        else { return nil }
        let decl = unsafe Handle(.ast, declPointer, in: self)
        guard unsafe Z3_get_decl_kind(raw, decl.raw) == Z3_OP_UNINTERPRETED,
              let name = unsafe Z3_get_decl_name(raw, decl.raw)
        else { return nil }
        return unsafe string(ofSymbol: name)
    }

    func boolLiteral(of term: Term) -> Bool? {
        switch unsafe Z3_get_bool_value(raw, term.raw) {
        case Z3_L_TRUE: true
        case Z3_L_FALSE: false
        default: nil
        }
    }

    func uint64Numeral(of term: Term) -> UInt64? {
        guard unsafe Z3_is_numeral_ast(raw, term.raw) else { return nil }
        var value: UInt64 = 0
        guard unsafe Z3_get_numeral_uint64(raw, term.raw, &value) else { return nil }
        return value
    }
}
