#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser

/// When to show the progress line on standard error.
enum ProgressChoice: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// A single updating line on standard error — "checking 3/12: guest1 cannot read guest2…" —
/// shown once a run has lasted about a second (at once with `always`), and erased before
/// anything else is printed.
final class Progress {
    private let enabled: Bool
    private let immediate: Bool
    private let start = ContinuousClock.now
    private var shown = false

    init(_ choice: ProgressChoice, quiet: Bool) {
        switch choice {
        case .never: enabled = false
        case .always: enabled = true
        case .auto: enabled = !quiet && isatty(STDERR_FILENO) == 1
        }
        immediate = choice == .always
    }

    /// Shows `checking N/M: NAME…` (N is 1-based).
    func update(_ done: Int, of total: Int, _ name: String) {
        guard enabled, immediate || ContinuousClock.now - start >= .seconds(1) else { return }
        let width = max(20, terminalWidth - 1)
        var line = "checking \(done)/\(total): \(name)…"
        if line.count > width { line = String(line.prefix(width - 1)) + "…" }
        writeError("\r\u{1B}[K" + line)
        shown = true
    }

    /// Erases the line, if it was shown.
    func clear() {
        guard shown else { return }
        writeError("\r\u{1B}[K")
        shown = false
    }

    private var terminalWidth: Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
