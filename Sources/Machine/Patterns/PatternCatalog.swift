import Platform

/// The patterns of one platform: one per region (what the region holds when the
/// machine starts) and one per principal (what that principal writes when it acts as an
/// attacker), and the answer to "whose pattern is this?".
///
/// A pattern is derived from its owner's name alone (FNV-1a, then SplitMix64 rounds)
/// and re-derived with the next round only when it is not distinctive or shares a
/// three-byte run with a pattern derived before it, so it is stable across models.
public struct PatternCatalog: Hashable, Sendable {
    /// Whose pattern a byte run is.
    public enum Owner: Hashable, Sendable, CustomStringConvertible {
        /// The initial contents of a region.
        case region(String)
        /// What a principal writes when it attacks.
        case attacker(Principal)

        public var description: String {
            switch self {
            case .region(let r): r
            case .attacker(let p): "\(p) (attacker)"
            }
        }
    }

    /// One run of bytes recognised as part of a pattern.
    public struct Match: Hashable, Sendable {
        /// Whose pattern it is.
        public var owner: Owner
        /// The index of the first matching byte in the examined bytes.
        public var offset: Int
        /// The number of consecutive matching bytes (at least ``PatternCatalog/minimumRun``).
        public var length: Int
    }

    /// The shortest run of bytes that counts as a sighting of a pattern.
    public static let minimumRun = 3

    /// Every pattern by owner.
    public private(set) var patterns: [Owner: BytePattern] = [:]
    /// Three-byte run → owner and the phase of the run's first byte.
    private var grams: [UInt32: Gram] = [:]

    private struct Gram: Hashable, Sendable {
        var owner: Owner
        var phase: Int
    }

    /// Derives the patterns of every region and every principal of `platform`.
    public init(platform: Platform) {
        for region in platform.regions { add(.region(region.name), seed: "region:" + region.name) }
        for principal in platform.principals { add(.attacker(principal), seed: "attacker:" + principal.description) }
    }

    /// Adds a pattern for an owner not derived from a platform (e.g. a principal of a
    /// trace that the platform does not declare).
    public mutating func ensure(_ owner: Owner) {
        guard patterns[owner] == nil else { return }
        switch owner {
        case .region(let r): add(owner, seed: "region:" + r)
        case .attacker(let p): add(owner, seed: "attacker:" + p.description)
        }
    }

    private mutating func add(_ owner: Owner, seed: String) {
        guard patterns[owner] == nil else { return }
        var state: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in seed.utf8 { state = (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        while true {
            state = state &+ 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let candidate = BytePattern(value: z)
            guard candidate.isDistinctive, candidate.grams.allSatisfy({ grams[$0.key] == nil }) else { continue }
            patterns[owner] = candidate
            for gram in candidate.grams { grams[gram.key] = Gram(owner: owner, phase: gram.phase) }
            return
        }
    }

    /// The pattern a region starts with.
    public func pattern(ofRegion name: String) -> BytePattern? { patterns[.region(name)] }

    /// The pattern a principal writes as an attacker.
    public func attackerPattern(of principal: Principal) -> BytePattern? { patterns[.attacker(principal)] }

    /// The owner whose pattern an aligned quadword is, if it is one exactly.
    public func owner(ofQuadword value: UInt64) -> Owner? {
        patterns.first { $0.value.value == value }?.key
    }

    /// Every run of at least ``minimumRun`` bytes of `bytes` that belongs to a pattern,
    /// whatever its alignment, in order.
    public func identify(_ bytes: [UInt8]) -> [Match] {
        var matches: [Match] = []
        var i = 0
        while i + Self.minimumRun <= bytes.count {
            let key = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
            guard let gram = grams[key], let pattern = patterns[gram.owner] else {
                i += 1
                continue
            }
            var length = Self.minimumRun
            while i + length < bytes.count && bytes[i + length] == pattern.byte(gram.phase + length) { length += 1 }
            matches.append(Match(owner: gram.owner, offset: i, length: length))
            i += length
        }
        return matches
    }
}
