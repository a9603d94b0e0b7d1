/// An 8-byte-periodic fill anchored at absolute addresses: the byte at host-physical
/// address `a` is byte `a & 7` of ``value`` (little-endian), so an aligned quadword
/// read returns ``value`` itself.
///
/// Patterns are chosen so that a leak shows as bytes: no byte is 0x00 or 0xFF, the eight
/// bytes differ, and no run of three consecutive bytes (read cyclically) appears in any
/// other pattern of the same ``PatternCatalog``, so any three or more bytes of a pattern
/// name their owner.
public struct BytePattern: Hashable, Sendable, CustomStringConvertible {
    /// Byte `k` of the pattern sits at addresses congruent to `k` modulo 8.
    public let value: UInt64

    /// Wraps a pattern value.
    public init(value: UInt64) { self.value = value }

    /// Byte `k` (0...7).
    public func byte(_ k: Int) -> UInt8 { UInt8(truncatingIfNeeded: value >> UInt64(8 * (k & 7))) }

    /// The byte this pattern puts at `address`.
    public func byte(at address: UInt64) -> UInt8 { byte(Int(address & 7)) }

    /// The bytes this pattern puts at `[address, address + count)`.
    public func bytes(at address: UInt64, count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            result[i] = byte(at: address &+ UInt64(i))
            i += 1
        }
        return result
    }

    public var description: String {
        (0..<8).map { String(byte($0), radix: 16).leftPadded(to: 2) }.joined(separator: " ")
    }

    /// Whether the pattern is usable: no 0x00 or 0xFF byte and eight distinct bytes.
    var isDistinctive: Bool {
        let all = (0..<8).map(byte)
        return !all.contains(0) && !all.contains(0xFF) && Set(all).count == 8
    }

    /// The eight cyclic three-byte runs, keyed `b0 | b1 << 8 | b2 << 16`, with the phase of their first byte.
    var grams: [(key: UInt32, phase: Int)] {
        (0..<8).map { k in
            (UInt32(byte(k)) | UInt32(byte(k + 1)) << 8 | UInt32(byte(k + 2)) << 16, k)
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
