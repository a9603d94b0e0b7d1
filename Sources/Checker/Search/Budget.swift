#if canImport(Glibc)
import Glibc
#endif

/// The time and memory one property may use. Searches consult it between moves; a solver
/// query gets at most the time that is left.
struct Budget {
    let deadline: ContinuousClock.Instant?
    let seconds: Double?
    let memoryLimitBytes: Int?

    init(options: CheckOptions) {
        seconds = options.timeoutSeconds
        deadline = options.timeoutSeconds.map { .now + .milliseconds(Int64(($0 * 1000).rounded(.up))) }
        memoryLimitBytes = options.memoryLimitMegabytes.map { $0 << 20 }
    }

    /// Milliseconds left for a solver query, if there is a deadline.
    var remainingMilliseconds: UInt32? {
        guard let deadline else { return nil }
        let left = deadline - .now
        let ms = left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        return UInt32(clamping: max(1, ms))
    }

    /// Why the search must stop now, if it must.
    func exhausted() -> String? {
        if let deadline, ContinuousClock.now >= deadline {
            return "the time limit of \(seconds.map { formatSeconds($0) } ?? "?") was reached"
        }
        if let limit = memoryLimitBytes, let resident = Budget.residentBytes(), resident > limit {
            return "the memory limit of \(limit >> 20) MiB was reached (\(resident >> 20) MiB in use)"
        }
        return nil
    }

    private func formatSeconds(_ s: Double) -> String { s == s.rounded() ? "\(Int(s)) s" : "\(s) s" }

    /// Resident set size from /proc/self/statm (Linux); nil elsewhere.
    static func residentBytes() -> Int? {
        #if canImport(Glibc)
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let fields = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }
}

/// Thrown inside a search when the budget is spent.
struct BudgetExhausted: Error {
    var reason: String
}
