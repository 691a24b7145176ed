import Foundation

/// Result of running an external tool (promtool, python3, prometheus).
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs external tools found on PATH. Input and output go through temporary
/// files, so large outputs cannot fill a pipe and block the tool.
enum ProcessRunner {
    static func run(_ tool: String, _ arguments: [String], stdin: [UInt8] = []) throws -> ProcessResult {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let inURL = folder.appendingPathComponent("in")
        let outURL = folder.appendingPathComponent("out")
        let errURL = folder.appendingPathComponent("err")
        try Data(stdin).write(to: inURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus,
                             stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                             stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}
