import Foundation

/// The outcome of one finished subprocess.
struct CommandResult: Sendable {
    let command: String
    let status: Int32
    let stdout: String
    let stderr: String

    var succeeded: Bool { status == 0 }

    /// Throws with both outputs when the command failed.
    @discardableResult
    func check() throws -> CommandResult {
        guard succeeded else {
            throw HarnessError.commandFailed(command: command, status: status, output: stdout + stderr)
        }
        return self
    }
}

/// Runs the harness scripts, `virsh` and `ballast` as subprocesses with a bounded wait.
/// Output goes to temporary files, not pipes, so a chatty child can never block on a
/// full pipe while we wait for it.
enum Shell {
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 120) async throws -> CommandResult {
        let command = ([executable] + arguments).joined(separator: " ")
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("ballast-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                throw HarnessError.timedOut(what: "`\(command)`", seconds: timeout,
                                            hint: "it was terminated; its output is lost")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let stdout = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return CommandResult(command: command, status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}
