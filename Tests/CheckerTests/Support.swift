import Platform
import Testing

@testable import Checker

/// Parses a model for a test; a model that does not load fails the test with its diagnostics.
func platform(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Platform {
    do {
        return try Platform.parse(source, file: "test.moat").platform
    } catch {
        Issue.record("model did not load:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The verdict of the property named `name`.
func verdict(_ p: Platform, _ name: String) -> Verdict? {
    guard let property = p.properties.first(where: { $0.name == name }) else { return nil }
    return Checker(platform: p).check(property).verdict
}

extension Verdict {
    var trace: Trace? {
        if case .attack(let t) = self { return t }
        return nil
    }

    var certificate: Certificate? {
        if case .proved(let c) = self { return c }
        return nil
    }

    var reason: String? {
        if case .unknown(let r) = self { return r }
        return nil
    }
}

/// Two guests with one region each, plus whatever `extra` declares inside the platform.
func twoGuests(guest1Maps: String = "map 0x0 size 1M -> g1.ram rwx", extra: String = "", properties: String) -> String {
    """
    platform "t" {
      region hv.code 0x10_0000 size 1M owner hypervisor kind code
      region hv.data 0x20_0000 size 1M owner hypervisor kind data secret
      region g1.ram  0x100_0000 size 1M owner guest1
      region g2.ram  0x200_0000 size 1M owner guest2 secret
      \(extra)
      partition guest1 { \(guest1Maps) }
      partition guest2 { map 0x0 size 1M -> g2.ram rwx }
    }
    \(properties)
    """
}
