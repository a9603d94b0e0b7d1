import Foundation
import Platform
import Testing

@testable import Checker

/// The per-property time limit (`--timeout`) holds inside a handler query too: a query over tens
/// of thousands of unmerged paths used to spend minutes in `Z3_solver_push`, where Z3 internalises
/// the formula and its own time limit does not reach.
@Suite struct TimeLimitTests {
    /// A guest with `pages` separate 4 KiB mappings (a gap between each, so nothing merges) and
    /// one hypercall that copies guest bytes into a hypervisor buffer.
    static func fragmentedGuest(pages: Int) -> String {
        let maps = (0..<pages).map { i in
            "    map 0x\(String(UInt64(i) * 0x2000, radix: 16)) size 4K -> g1.ram + 0x\(String(UInt64(i) * 0x1000, radix: 16)) rw-"
        }
        return """
            platform "fragmented" {
              region hv.code  0x0010_0000 size 1M   owner hypervisor kind code
              region hv.data  0x0020_0000 size 1M   owner hypervisor kind data secret
              region hv.buf   0x0030_0000 size 4K   owner none kind data
              region g1.ram   0x1_0000_0000 size 256M owner guest1
              hypervisor {
                hypercall 0x20 "buffer_write" (src, off, len) {
                  require len <= 0x1000
                  require within(off, len, 0, hv.buf.size)
                  copy guest src to host hv.buf + off len len
                }
              }
              partition guest1 {
            \(maps.joined(separator: "\n"))
              }
            }
            property "guest1 cannot write the hypervisor" { guest1 cannot write hypervisor }
            """
    }

    @Test func aHandlerQueryOverUnmergedPathsStopsAtTheTimeLimit() throws {
        let p = try platform(Self.fragmentedGuest(pages: 30_000))
        var options = CheckOptions(timeoutSeconds: 1)
        options.atoms = false
        let start = ContinuousClock.now
        let result = Checker(platform: p, options: options).check(p.properties[0])
        let elapsed = ContinuousClock.now - start
        #expect(result.verdict.reason?.contains("the time limit of 1 s was reached") == true, "\(result.verdict)")
        // Generous against a loaded machine; without the fix the run took far longer than this.
        #expect(elapsed < .seconds(60), "the 1 s limit took \(elapsed)")
    }
}
