import Checker
import Foundation
import Platform

/// Issue 7's limits: a 10 MB model file and a model with a million regions must give an answer
/// or a clear error. Prints the time and the peak resident memory of each.
func largeInputs() {
    for (label, regions) in [("10 MB file", 212_000), ("1,000,000 regions", 1_000_000)] {
        var text = "platform \"large\" {\n"
        text.reserveCapacity(regions * 50)
        for n in 0..<regions {
            text += "  region r\(n) 0x\(String(0x1_0000_0000 + UInt64(n) * 0x1000, radix: 16)) size 4K owner guest1\n"
        }
        text += "  partition guest1 { map 0x0 size 4K -> r0 rw }\n}\nproperty \"p\" { guest1 cannot read hypervisor }\n"
        let clock = ContinuousClock()
        var outcome = ""
        let elapsed = clock.measure {
            do {
                let platform = try Platform.parse(text, file: "large.moat").platform
                outcome = Checker(platform: platform).checkAll().map(\.verdict.word).joined(separator: ",")
            } catch {
                outcome = "error: \((error as? ModelError)?.diagnostics.first?.description ?? "\(error)")"
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        print("\(label) (\(text.utf8.count / 1_000_000) MB, \(regions) regions): \(outcome) in \(format3(seconds)) s, peak RSS \(peakResidentMegabytes()) MiB")
    }
}

/// The peak resident set size of this process (VmHWM in /proc/self/status), in MiB.
func peakResidentMegabytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return -1 }
    return kb / 1024
}
