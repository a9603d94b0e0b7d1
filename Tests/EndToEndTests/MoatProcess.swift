import Foundation
import Testing

/// Runs the built `moat` binary and captures what it prints.
struct MoatRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Moat {
    /// The package's root directory (this file is Tests/EndToEndTests/MoatProcess.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let inputs = root.appendingPathComponent("Tests/EndToEndTests/Inputs")

    /// The `moat` executable beside the test bundle, or `MOAT_BINARY` when set.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["MOAT_BINARY"] { return URL(fileURLWithPath: path) }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("moat")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/moat")
    }

    /// Runs `moat ARGUMENTS` in the package root.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> MoatRun {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = root
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { $1 }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return MoatRun(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}
