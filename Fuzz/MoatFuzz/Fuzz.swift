// libFuzzer entry point for the .moat lexer, parser and validator.
// Build (see docs/fuzzing.md):
//   MOAT_FUZZ=1 swift build -c release --product MoatFuzz -Xswiftc -sanitize=fuzzer,address
// Run:
//   .build/release/MoatFuzz Fuzz/corpus -max_total_time=600
import Platform

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: bytes, as: UTF8.self)
    do {
        let (platform, _) = try Platform.parse(text, file: "fuzz.moat")
        // Touch what later stages read, so that a validated platform is also a usable one.
        _ = platform.standardProperties
        _ = platform.principals.map { platform.displayName($0) }
        for region in platform.regions { _ = platform.region(containing: region.base) }
    } catch {
        // Every error must be located and say something.
        for d in error.diagnostics {
            precondition(!d.message.isEmpty, "a diagnostic without a message")
            precondition(d.location.line >= 1 && d.location.column >= 1, "a diagnostic without a location: \(d)")
        }
    }
    return 0
}
