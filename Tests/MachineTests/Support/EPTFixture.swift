@testable import Machine

/// A hand-built 4-level EPT path for one GPA, written entry by entry (independent of
/// `EPTBuilder`): PML4 at 0x10000, PDPT 0x11000, PD 0x12000, PT 0x13000.
struct EPTFixture {
    static let pml4: UInt64 = 0x10000
    static let pdpt: UInt64 = 0x11000
    static let pd: UInt64 = 0x12000
    static let pt: UInt64 = 0x13000
    /// PML4 index 1, PDPT index 2, PD index 3, PT index 4, offset 0x567.
    static let gpa: UInt64 = (1 << 39) | (2 << 30) | (3 << 21) | (4 << 12) | 0x567
    /// The 4-KiB frame the PTE maps.
    static let frame: UInt64 = 0xABCD_E000
    /// The expected HPA of `gpa` through the PTE.
    static let hpa: UInt64 = frame | 0x567

    /// R, W, X and XU: the full rights given to levels that a test is not about.
    static let full: UInt64 = 0x407
    /// Memory type WB in bits 5:3.
    static let wb: UInt64 = 6 << 3

    var memory = PhysicalMemory()

    /// Entry addresses per level (index 1...4).
    static func entryAddress(level: Int) -> UInt64 {
        switch level {
        case 4: pml4 + 1 * 8
        case 3: pdpt + 2 * 8
        case 2: pd + 3 * 8
        default: pt + 4 * 8
        }
    }

    /// Writes a well-formed path with full rights everywhere and a WB PTE, then
    /// applies `modify(level, entry)` to each entry before it is stored.
    init(_ modify: (Int, UInt64) -> UInt64 = { $1 }) {
        let defaults: [Int: UInt64] = [
            4: Self.pdpt | Self.full,
            3: Self.pd | Self.full,
            2: Self.pt | Self.full,
            1: Self.frame | Self.full | Self.wb,
        ]
        for level in 1...4 {
            memory.write64(modify(level, defaults[level]!), at: Self.entryAddress(level: level))
        }
    }

    /// The stored entry at `level`.
    func entry(level: Int) -> UInt64 { memory.read64(Self.entryAddress(level: level)) }

    static let eptp = EPTP(rootAddress: pml4)
    static let eptpAD = EPTP(rootAddress: pml4, accessedDirty: true)

    /// Walks `gpa` with a walker for `eptp`.
    mutating func walk(
        _ access: EPTAccess, mbec: Bool = false, capabilities: EPTCapabilities = .modern,
        eptp: EPTP = EPTFixture.eptp, gpa: UInt64 = EPTFixture.gpa
    ) -> EPTOutcome {
        let walker = try! EPTWalker(eptp: eptp, capabilities: capabilities, modeBasedExecute: mbec)
        return walker.walk(gpa, access: access, in: &memory)
    }
}

/// All four access kinds of the EPT tables.
let allAccesses: [EPTAccess] = [.read, .write, .fetchSupervisor, .fetchUser]

extension EPTCapabilities {
    /// The modern capabilities with `change` applied.
    func with(_ change: (inout EPTCapabilities) -> Void) -> EPTCapabilities {
        var copy = self
        change(&copy)
        return copy
    }
}
