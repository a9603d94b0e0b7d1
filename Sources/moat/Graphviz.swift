import Foundation

/// Graphviz's `dot`, found on PATH, for `moat check --render svg`.
struct Graphviz {
    let executable: URL

    /// `dot` on PATH, or nil.
    static func find() -> Graphviz? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("dot")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return Graphviz(executable: candidate) }
        }
        return nil
    }

    /// Runs `dot -TFORMAT -o OUTPUT` on a graph; throws with dot's message when it fails.
    func render(_ graph: String, format: String, to output: String) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-T\(format)", "-o", output]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(graph.utf8))
        try input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 {
            throw GraphvizError(message: "dot failed on \(output): " + String(decoding: message, as: UTF8.self))
        }
    }

    /// Where the rendering of a model goes: `FILE.svg` beside the model (without its `.moat`
    /// extension), or in `directory`.
    static func outputPath(for model: String, format: String, directory: String?) -> String {
        let url = URL(fileURLWithPath: model)
        let base = url.pathExtension == "moat" ? url.deletingPathExtension().lastPathComponent : url.lastPathComponent
        if let directory { return URL(fileURLWithPath: directory).appendingPathComponent("\(base).\(format)").path }
        return url.deletingLastPathComponent().appendingPathComponent("\(base).\(format)").path
    }
}

struct GraphvizError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
