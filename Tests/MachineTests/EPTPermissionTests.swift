import Testing
@testable import Machine

/// One row of the permission table: which rights one level holds, the access, and the
/// processor/VMCS configuration.
struct PermissionCase: CustomStringConvertible, Sendable {
    var r: Bool, w: Bool, x: Bool, xu: Bool
    var access: EPTAccess
    var mbec: Bool
    var executeOnlySupported: Bool
    /// The level whose entry carries these rights (the others grant everything).
    var level: Int

    var bits: UInt64 {
        (r ? 1 : 0) | (w ? 2 : 0) | (x ? 4 : 0) | (xu ? 0x400 : 0)
    }

    var description: String {
        "L\(level) \(r ? "r" : "-")\(w ? "w" : "-")\(x ? "x" : "-")\(xu ? "u" : "-") \(access)"
            + " mbec=\(mbec) xo=\(executeOnlySupported)"
    }

    static let all: [PermissionCase] = {
        var cases: [PermissionCase] = []
        for bits in 0..<16 {
            for access in allAccesses {
                for mbec in [false, true] {
                    for xo in [false, true] {
                        for level in 1...4 {
                            cases.append(PermissionCase(
                                r: bits & 1 != 0, w: bits & 2 != 0, x: bits & 4 != 0, xu: bits & 8 != 0,
                                access: access, mbec: mbec, executeOnlySupported: xo, level: level))
                        }
                    }
                }
            }
        }
        return cases
    }()
}

/// What the rules of DOMAIN.md §1.3, §1.4 and §1.6 say should happen, written from
/// the text rather than from the walker.
enum Expected: Equatable {
    case translated
    case violation(qualification: UInt64)
    case misconfiguration
}

func expectedOutcome(_ c: PermissionCase) -> Expected {
    // §1.6: XU counts toward "present" only with MBEC; otherwise bit 10 is ignored.
    let xu = c.mbec && c.xu
    let accessBit: UInt64
    switch c.access {
    case .read: accessBit = 1
    case .write: accessBit = 2
    case .fetch: accessBit = 4
    }
    // §1.4: bits 3/4/5 are the AND of R/W/X(XS); bit 6 the AND of XU, under MBEC only.
    let qualification = accessBit | (c.r ? 8 : 0) | (c.w ? 16 : 0) | (c.x ? 32 : 0) | (xu ? 64 : 0)
    // §1.3 step 1: not present → violation.
    if !c.r && !c.w && !c.x && !xu { return .violation(qualification: qualification) }
    // §1.3 step 2: write without read, then execute-only without CAP[0].
    if c.w && !c.r { return .misconfiguration }
    if !c.r && !c.w && !c.executeOnlySupported { return .misconfiguration }
    // §1.3 step 4, §1.6: reads need R, writes W; fetches X, or XS/XU by the page's U/S with MBEC.
    let allowed: Bool
    switch c.access {
    case .read: allowed = c.r
    case .write: allowed = c.w
    case .fetch(let user): allowed = c.mbec ? (user ? c.xu : c.x) : c.x
    }
    return allowed ? .translated : .violation(qualification: qualification)
}

@Suite("EPT permissions")
struct EPTPermissionTests {
    @Test("every R/W/X/XU × access × MBEC × execute-only × level", arguments: PermissionCase.all)
    func permissionTable(_ c: PermissionCase) {
        var fixture = EPTFixture { level, entry in
            level == c.level ? (entry & ~EPTFixture.full) | c.bits : entry
        }
        let caps = EPTCapabilities.modern.with { $0.executeOnly = c.executeOnlySupported }
        let outcome = fixture.walk(c.access, mbec: c.mbec, capabilities: caps)
        switch expectedOutcome(c) {
        case .translated:
            #expect(outcome == .translated(hpa: EPTFixture.hpa, pageSize: .size4K))
        case .violation(let q):
            #expect(outcome == .violation(qualification: q, gpa: EPTFixture.gpa))
        case .misconfiguration:
            #expect(outcome == .misconfiguration(gpa: EPTFixture.gpa))
        }
    }

    @Test func rulesTableHasTheExpectedShape() {
        #expect(PermissionCase.all.count == 16 * 4 * 2 * 2 * 4)
        // Spot checks of the rule function itself against DOMAIN.md prose.
        let wOnly = PermissionCase(r: false, w: true, x: false, xu: false, access: .read,
                                   mbec: false, executeOnlySupported: true, level: 1)
        #expect(expectedOutcome(wOnly) == .misconfiguration)  // "reads through -w- misconfigure"
        let xuOnlyNoMBEC = PermissionCase(r: false, w: false, x: false, xu: true, access: .fetchUser,
                                          mbec: false, executeOnlySupported: true, level: 1)
        #expect(expectedOutcome(xuOnlyNoMBEC) == .violation(qualification: 4))
    }

    @Test("rights are the AND of all levels")
    func andAcrossLevels() {
        // PML4E read-only, PTE read/write: a write violates and reports W=0 in bit 4.
        var fixture = EPTFixture { level, entry in
            switch level {
            case 4: (entry & ~EPTFixture.full) | 1
            case 1: (entry & ~EPTFixture.full) | 3
            default: entry
            }
        }
        #expect(fixture.walk(.write) == .violation(qualification: 2 | 8, gpa: EPTFixture.gpa))
        #expect(fixture.walk(.read) == .translated(hpa: EPTFixture.hpa, pageSize: .size4K))
    }

    @Test("MBEC: XS and XU chosen by the page's U/S, AND-ed over levels")
    func mbecSelection() {
        // PDE grants XS only, PTE grants XU only: neither fetch has its bit at every level.
        var fixture = EPTFixture { level, entry in
            switch level {
            case 2: (entry & ~EPTFixture.full) | 0x5
            case 1: (entry & ~EPTFixture.full) | 0x401
            default: entry
            }
        }
        #expect(fixture.walk(.fetchUser, mbec: true) == .violation(qualification: 4 | 8, gpa: EPTFixture.gpa))
        #expect(fixture.walk(.fetchSupervisor, mbec: true)
            == .violation(qualification: 4 | 8, gpa: EPTFixture.gpa))
        // Without MBEC bit 10 is ignored and X (bit 2) is missing in the PTE.
        #expect(fixture.walk(.fetchUser) == .violation(qualification: 4 | 8, gpa: EPTFixture.gpa))
    }
}
