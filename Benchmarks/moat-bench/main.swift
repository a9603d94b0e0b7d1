// moat-bench: prints throughput and scale figures (run with `swift run -c release moat-bench`).
import Checker
import Foundation
import Machine
import Platform

/// SplitMix64: a small fixed-seed generator, so that every run walks the same GPAs.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds a realistic 4-level structure: 1 GiB of 2-MiB pages, 128 MiB of 4-KiB pages
/// scattered over several PDPT slots, and one 1-GiB page, all built by `EPTBuilder`.
func buildStructures(memory: inout PhysicalMemory) throws -> (EPTBuilder, [(UInt64, UInt64)]) {
    let region = try PageRegionAllocator(base: 0x10_0000_0000, size: 64 << 20)
    var builder = try EPTBuilder(allocator: region, memory: &memory)
    var ranges: [(UInt64, UInt64)] = []
    // 512 × 2 MiB = 1 GiB of large pages at GPA 4 GiB.
    try builder.map(gpa: 0x1_0000_0000, hpa: 0x2_0000_0000, size: 1 << 30, permissions: [.read, .write],
                    pageSize: .size2M, in: &memory)
    ranges.append((0x1_0000_0000, 1 << 30))
    // 32768 × 4 KiB = 128 MiB in 16 chunks of 8 MiB spread over GPA space.
    for chunk in 0..<16 as Range<UInt64> {
        let gpa = chunk * 0x4000_0000 + 0x80_0000_0000 + chunk * 0x20_0000
        try builder.map(gpa: gpa, hpa: 0x3_0000_0000 + chunk * 0x80_0000, size: 0x80_0000,
                        permissions: [.read, .write, .execute], in: &memory)
        ranges.append((gpa, 0x80_0000))
    }
    try builder.map(gpa: 0x40_0000_0000, hpa: 0x4_0000_0000, size: 1 << 30, permissions: [.read],
                    pageSize: .size1G, in: &memory)
    ranges.append((0x40_0000_0000, 1 << 30))
    return (builder, ranges)
}

func eptThroughput() throws {
    var memory = PhysicalMemory()
    let (builder, ranges) = try buildStructures(memory: &memory)
    let walker = try EPTWalker(eptp: builder.eptp())
    var random = SplitMix64(state: 0x5EED)
    // Pre-generate GPAs so the generator is not timed: 3/4 in 4K ranges, 1/4 in large pages.
    let count = 1 << 20
    var gpas = [UInt64]()
    gpas.reserveCapacity(count)
    for _ in 0..<count {
        let r = random.next()
        let range = ranges[r & 3 == 0 ? (r & 4 == 0 ? 0 : 17) : 1 + Int((r >> 3) % 16)]
        gpas.append(range.0 + (r >> 20) % range.1)
    }
    let rounds = 24
    var checksum: UInt64 = 0
    var translated = 0
    let clock = ContinuousClock()
    let elapsed = clock.measure {
        for _ in 0..<rounds {
            for gpa in gpas {
                if case .translated(let hpa, _) = walker.walk(gpa, access: .read, in: &memory) {
                    checksum &+= hpa
                    translated &+= 1
                }
            }
        }
    }
    let walks = Double(rounds * count)
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    print("EPT walks: \(Int(walks)) in \(format3(seconds)) s = \(Int(walks / seconds)) walks/s "
        + "(\(translated) translated, \(builder.allocator.usedPages) table pages, checksum \(checksum & 0xFFFF))")
}

func format3(_ x: Double) -> String {
    let scaled = Int(x * 1000 + 0.5)
    return "\(scaled / 1000).\(String(scaled % 1000 + 1000).dropFirst())"
}

/// The per-page baseline's time: for its run, and for each question (`--timeout`).
let perPageLimit = 120.0

let arguments = CommandLine.arguments.dropFirst()
do {
    if arguments.isEmpty || arguments.contains("ept") { try eptThroughput() }
    if arguments.first == "run", arguments.count >= 7, let shape = ReferencePlatform.Shape(arguments: arguments.dropFirst(2)) {
        // A child of `slope`, `baseline` or a size: one run, then its record.
        let perPage = arguments.contains("per-page")
        let result = runScale(arguments[arguments.startIndex + 1], shape, perPage: perPage, budget: perPage ? perPageLimit : nil)
        print(result.line)
        print(result.record)
        exit(0)
    }
    for (name, label, shape) in [("small", "RP-S", ReferencePlatform.small), ("medium", "RP-M", ReferencePlatform.medium), ("large", "RP-L", ReferencePlatform.large)]
    where arguments.isEmpty && name == "small" || arguments.contains(name) {
        _ = child(label, shape)
    }
    if arguments.contains("slope") { slope() }
    if arguments.contains("baseline") { baseline() }
    if arguments.contains("inputs") { largeInputs() }
} catch {
    print("moat-bench: \(error)")
}
