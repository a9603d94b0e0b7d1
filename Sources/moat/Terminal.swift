#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes text to standard error as it is (no newline added).
func writeError(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + offset, $0.count - offset) }
        if written <= 0 { return }
        offset += written
    }
}

/// Whether colour is wanted on a stream: `always`, `never`, or on a terminal without NO_COLOR.
func wantsColor(_ choice: ColorChoice, fileDescriptor: Int32) -> Bool {
    switch choice {
    case .always: true
    case .never: false
    case .auto: isatty(fileDescriptor) == 1 && getenv("NO_COLOR") == nil
    }
}
