import SMT
import Testing

/// A bit-vector operation, with its meaning computed in Swift as the oracle.
enum Operation: String, CaseIterable, Sendable {
    case add, sub, mul, and, or, xor, udiv, sdiv, urem, srem, shl, lshr, ashr

    func build(_ x: Term, _ y: Term) -> Term {
        switch self {
        case .add: x &+ y
        case .sub: x &- y
        case .mul: x &* y
        case .and: x & y
        case .or: x | y
        case .xor: x ^ y
        case .udiv: x.udiv(y)
        case .sdiv: x.sdiv(y)
        case .urem: x.urem(y)
        case .srem: x.srem(y)
        case .shl: x.shl(y)
        case .lshr: x.lshr(y)
        case .ashr: x.ashr(y)
        }
    }

    /// SMT-LIB's meaning of the operation on `width`-bit values.
    func reference(_ a: UInt64, _ b: UInt64, width: Int) -> UInt64 {
        let (sa, sb) = (signed(a, width), signed(b, width))
        let shiftsOut = b >= UInt64(width)
        let value: UInt64 = switch self {
        case .add: a &+ b
        case .sub: a &- b
        case .mul: a &* b
        case .and: a & b
        case .or: a | b
        case .xor: a ^ b
        case .udiv: b == 0 ? mask(width) : a / b
        case .urem: b == 0 ? a : a % b
        case .sdiv:
            b == 0
                ? (sa < 0 ? 1 : mask(width))
                : UInt64(bitPattern: sa.dividedReportingOverflow(by: sb).partialValue)
        case .srem:
            b == 0 ? a : UInt64(bitPattern: sa.remainderReportingOverflow(dividingBy: sb).partialValue)
        case .shl: shiftsOut ? 0 : a << b
        case .lshr: shiftsOut ? 0 : a >> b
        case .ashr: UInt64(bitPattern: shiftsOut ? (sa < 0 ? -1 : 0) : sa >> Int64(b))
        }
        return value & mask(width)
    }
}

/// A comparison, with its meaning computed in Swift as the oracle.
enum Comparison: String, CaseIterable, Sendable {
    case ult, ule, ugt, uge, slt, sle, sgt, sge, eq, ne

    func build(_ x: Term, _ y: Term) -> Term {
        switch self {
        case .ult: x.ult(y)
        case .ule: x.ule(y)
        case .ugt: x.ugt(y)
        case .uge: x.uge(y)
        case .slt: x.slt(y)
        case .sle: x.sle(y)
        case .sgt: x.sgt(y)
        case .sge: x.sge(y)
        case .eq: x .== y
        case .ne: x .!= y
        }
    }

    func reference(_ a: UInt64, _ b: UInt64, width: Int) -> Bool {
        let (sa, sb) = (signed(a, width), signed(b, width))
        return switch self {
        case .ult: a < b
        case .ule: a <= b
        case .ugt: a > b
        case .uge: a >= b
        case .slt: sa < sb
        case .sle: sa <= sb
        case .sgt: sa > sb
        case .sge: sa >= sb
        case .eq: a == b
        case .ne: a != b
        }
    }
}

/// `value` read as a two's-complement number of `width` bits.
func signed(_ value: UInt64, _ width: Int) -> Int64 {
    if width >= 64 { return Int64(bitPattern: value) }
    let signBit: UInt64 = 1 << UInt64(width - 1)
    return value & signBit == 0 ? Int64(value) : Int64(value) - Int64(signBit << 1)
}

struct Sample: Sendable, CustomTestStringConvertible {
    var width: Int
    var a: UInt64
    var b: UInt64
    var testDescription: String { "\(width) bits: 0x\(String(a, radix: 16)), 0x\(String(b, radix: 16))" }
}

let samples: [Sample] = [
    Sample(width: 8, a: 0xFF, b: 1),
    Sample(width: 8, a: 0x80, b: 0xFF),
    Sample(width: 8, a: 0x7F, b: 0x80),
    Sample(width: 8, a: 0x85, b: 0),
    Sample(width: 8, a: 0x80, b: 1),
    Sample(width: 8, a: 0xF3, b: 9),
    Sample(width: 8, a: 200, b: 100),
    Sample(width: 13, a: 0x1FFF, b: 2),
    Sample(width: 13, a: 0x1000, b: 0x1FFF),
    Sample(width: 64, a: .max, b: 1),
    Sample(width: 64, a: 1 << 63, b: .max),
    Sample(width: 64, a: 1 << 63, b: 63),
    Sample(width: 64, a: 0xDEAD_BEEF_0000_0001, b: 0),
    Sample(width: 64, a: 12_345, b: 64),
]

@Suite struct BitVectorTests {
    @Test(arguments: Operation.allCases, samples)
    func operationMatchesSMTLIBSemantics(operation: Operation, sample: Sample) throws {
        let value = try solvedValue(width: sample.width, sample.a, sample.b, operation.build)
        #expect(value == operation.reference(sample.a, sample.b, width: sample.width))
    }

    @Test(arguments: Comparison.allCases, samples)
    func comparisonMatchesSMTLIBSemantics(comparison: Comparison, sample: Sample) throws {
        let context = try Context()
        let x = context.bvConst("x", width: sample.width)
        let y = context.bvConst("y", width: sample.width)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x .== context.bv(sample.a, width: sample.width))
        solver.assert(y .== context.bv(sample.b, width: sample.width))
        let model = try #require(solver.check().model)
        #expect(try model.bool(comparison.build(x, y)) == comparison.reference(sample.a, sample.b, width: sample.width))
    }

    @Test func additionWrapsAtTheWidth() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 64)
        let one = context.bv(1, width: 64)
        let zero = context.bv(0, width: 64)
        // Proved for every x: the negation is unsatisfiable.
        #expect(try isValid((x .== context.bv(.max, width: 64)).implies(x &+ one .== zero), in: context))
        // And seen in a model.
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert(x .== context.bv(0xFFFF_FFFF_FFFF_FFFF, width: 64))
        let model = try #require(solver.check().model)
        #expect(try model.uint64(x &+ one) == 0)
        #expect(try model.uint64(zero &- one) == .max)
        #expect(try model.uint64(-one) == .max)
        #expect(try model.uint64(~zero) == .max)
    }

    @Test func signedAndUnsignedComparisonsDiffer() throws {
        let context = try Context()
        for width in [8, 64] {
            let top = context.bv(1 << UInt64(width - 1), width: width)  // 0x80…0
            let one = context.bv(1, width: width)
            #expect(try isValid(top.slt(one), in: context), "0x80… is negative, so less than 1 signed")
            #expect(try isValid(!top.ult(one), in: context), "0x80… is large, so not less than 1 unsigned")
            #expect(try isValid(top.ugt(one) && top.sle(one), in: context))
        }
    }

    @Test func extractConcatAndExtend() throws {
        let context = try Context()
        let word = context.bv(0xABCD, width: 16)
        let high = word.extract(high: 15, low: 8)
        let low = word.extract(high: 7, low: 0)
        #expect(high.width == 8)
        #expect(high.simplified().uint64Value == 0xAB)
        #expect(low.simplified().uint64Value == 0xCD)
        #expect(word.extract(high: 0, low: 0).width == 1)

        let joined = high.concat(low)
        #expect(joined.width == 16)
        #expect(joined.simplified().uint64Value == 0xABCD)
        #expect(low.concat(high).simplified().uint64Value == 0xCDAB)

        let negative = context.bv(0x80, width: 8)
        let positive = context.bv(0x7F, width: 8)
        #expect(negative.zeroExtend(by: 8).simplified().uint64Value == 0x0080)
        #expect(negative.signExtend(by: 8).simplified().uint64Value == 0xFF80)
        #expect(positive.signExtend(by: 8).simplified().uint64Value == 0x007F)
        #expect(negative.signExtend(by: 56).width == 64)
        #expect(negative.signExtend(by: 56).simplified().uint64Value == 0xFFFF_FFFF_FFFF_FF80)
        #expect(negative.zeroExtend(by: 0) == negative)
    }

    @Test func extractAndConcatAreInverseForEveryValue() throws {
        let context = try Context()
        let x = context.bvConst("x", width: 64)
        let split = x.extract(high: 63, low: 32).concat(x.extract(high: 31, low: 0))
        #expect(try isValid(split .== x, in: context))
        #expect(try isValid(x.zeroExtend(by: 64).extract(high: 63, low: 0) .== x, in: context))
    }

    @Test func wideArithmeticCarriesPast64Bits() throws {
        let context = try Context()
        let sum = context.bv(.max, width: 64).zeroExtend(by: 64) &+ context.bv(1, width: 128)
        #expect(sum.width == 128)
        #expect(sum.extract(high: 127, low: 64).simplified().uint64Value == 1)
        #expect(sum.extract(high: 63, low: 0).simplified().uint64Value == 0)
        #expect(sum.simplified().uint64Value == nil)
    }

    @Test func unsignedAdditionOverflow() throws {
        let context = try Context()
        let byte = { (value: UInt64) in context.bv(value, width: 8) }
        #expect(try isValid(byte(0xFF).addOverflows(byte(1)), in: context))
        #expect(try isValid(!byte(0xFE).addOverflows(byte(1)), in: context))
        #expect(try isValid(byte(0x80).addOverflows(byte(0x80)), in: context))

        // For all 64-bit x and y: the sum wraps exactly when it is below x.
        let x = context.bvConst("x", width: 64)
        let y = context.bvConst("y", width: 64)
        #expect(try isValid(x.addOverflows(y) .== (x &+ y).ult(x), in: context))
    }

    @Test func rangeCheckThatOverflowsIsFound() throws {
        // `dst + len <= limit` admits a dst beyond limit when the sum wraps.
        let context = try Context()
        let dst = context.bvConst("dst", width: 64)
        let len = context.bvConst("len", width: 64)
        let limit = context.bv(0x1000, width: 64)
        let solver = try context.makeSolver(logic: "QF_BV")
        solver.assert((dst &+ len).ule(limit))
        solver.assert(dst.ugt(limit))
        let model = try #require(solver.check().model)
        let d = try #require(try model.uint64(dst))
        let l = try #require(try model.uint64(len))
        #expect(d > 0x1000)
        #expect(d &+ l <= 0x1000)
        #expect(d.addingReportingOverflow(l).overflow)
        #expect(try model.bool(dst.addOverflows(len)) == true)
    }

    @Test func unsignedMultiplicationOverflow() throws {
        let context = try Context()
        let byte = { (value: UInt64) in context.bv(value, width: 8) }
        #expect(try isValid(byte(16).multiplyOverflows(byte(16)), in: context))
        #expect(try isValid(!byte(15).multiplyOverflows(byte(17)), in: context))
        #expect(try isValid(!byte(0xFF).multiplyOverflows(byte(1)), in: context))
        #expect(try isValid(byte(0x80).multiplyOverflows(byte(2)), in: context))
    }
}
