import Synchronization

/// Every satisfiability check of the process, counted for benchmarks.
@available(macOS 15.0, *)
private let checksCounter = Atomic<Int>(0)

extension Solver {
    /// How many satisfiability checks every solver of this process has run (all contexts and
    /// threads). Benchmarks read it before and after a run; nothing in the checker depends on it.
    public static var checksPerformed: Int {
        if #available(macOS 15.0, *) { return checksCounter.load(ordering: .relaxed) }
        return 0
    }

    static func countCheck() {
        if #available(macOS 15.0, *) { checksCounter.add(1, ordering: .relaxed) }
    }
}
