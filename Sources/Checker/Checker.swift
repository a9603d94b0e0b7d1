#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Platform
import SMT

/// Limits on each solver query.
public struct CheckOptions: Sendable {
    /// Wall-clock limit per solver query, in milliseconds.
    public var timeoutMilliseconds: UInt32?
    /// Deterministic resource limit per solver query (Z3 `rlimit`).
    public var resourceLimit: UInt32?

    public init(timeoutMilliseconds: UInt32? = nil, resourceLimit: UInt32? = nil) {
        self.timeoutMilliseconds = timeoutMilliseconds
        self.resourceLimit = resourceLimit
    }
}

/// The symbolic side of Moat: encodes a platform into SMT and decides each property.
///
/// This version decides direct reachability: whether the attacker's own EPT (per VTL, with
/// MBEC and VTL protections) or its devices' DMA reaches the target's memory. When the
/// attacker has capabilities that could change the machine, a property without a direct path
/// is reported as unknown, never as proved.
public struct Checker: Sendable {
    public let platform: Platform
    public let options: CheckOptions

    public init(platform: Platform, options: CheckOptions = CheckOptions()) {
        self.platform = platform
        self.options = options
    }

    /// Decides every property of the platform, in order.
    public func checkAll() -> [PropertyResult] {
        platform.properties.map(check)
    }

    /// Decides one property.
    public func check(_ property: Property) -> PropertyResult {
        let start = ContinuousClock.now
        let verdict: Verdict
        do {
            verdict = try decide(property)
        } catch {
            verdict = .unknown(reason: "the solver failed: \(error.message)")
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return PropertyResult(property: property, verdict: verdict, seconds: seconds)
    }

    private func decide(_ property: Property) throws(SMTError) -> Verdict {
        let capabilities = Capabilities(platform: platform)
        let limitations = Limitations(platform: platform, capabilities: capabilities).reasons(for: property)
        guard property.goal != .dos else {
            return .unknown(reason: limitations.joined(separator: "; "))
        }
        let direct = DirectReachability(platform: platform, capabilities: capabilities, options: options)
        switch try direct.search(property) {
        case .attack(let steps):
            return .attack(Trace(property: property, steps: steps))
        case .unknown(let reason):
            return .unknown(reason: reason)
        case .blocked(let certificate):
            if !limitations.isEmpty {
                return .unknown(reason: "no direct path, but " + limitations.joined(separator: "; "))
            }
            return .proved(certificate)
        }
    }
}
