import BallastClient
import BallastMetrics
import Foundation

/// The real `ballast` binary (built by `swift test` beside the test bundle)
/// running `ballast run --backend sim` on a free loopback port.
final class DaemonProcess {
    private(set) var port: Int = 0
    let binary: String
    private let process: Process
    private let logURL: URL

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(arguments: [String]) async throws {
        binary = try Self.locateBinary()
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-e2e-\(UUID().uuidString).log")
        try Data().write(to: logURL)
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // Port 0: the daemon binds a free port itself and logs it; no probe-then-bind race.
        process.arguments = ["run", "--listen", "127.0.0.1:0"] + arguments
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        port = try await boundPort()
    }

    /// The port the daemon logged as bound ("serving /metrics ... listen=127.0.0.1:PORT").
    private func boundPort() async throws -> Int {
        for _ in 0..<600 {
            let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.contains("serving /metrics") {
                if let range = line.range(of: "listen=127.0.0.1:") {
                    let digits = line[range.upperBound...].prefix { $0.isNumber }
                    if let port = Int(digits) { return port }
                }
            }
            guard process.isRunning else {
                throw ToolFailure(description: "ballast run exited with \(process.terminationStatus): \(log())")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ToolFailure(description: "ballast run did not log its listen address within 60 s: \(log())")
    }

    /// Waits until `/v1/state` reports at least `ticks` ticks.
    func waitForTicks(_ ticks: UInt64, attempts: Int = 300) async throws -> StateDocument {
        var last = "no answer"
        for _ in 0..<attempts {
            guard process.isRunning else {
                throw ToolFailure(description: "ballast run exited with \(process.terminationStatus): \(log())")
            }
            do {
                let state = try await StateClient.fetch(baseURL: baseURL, timeout: .seconds(2))
                if let tick = state.tick, tick >= ticks { return state }
                last = "tick \(state.tick.map(String.init) ?? "none")"
            } catch {
                last = "\(error)"
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ToolFailure(description: "the daemon did not reach tick \(ticks): \(last); log: \(log())")
    }

    /// Runs another `ballast` subcommand against this daemon.
    func command(_ arguments: [String]) throws -> ProcessResult {
        try ProcessRunner.run(binary, arguments)
    }

    /// Sends SIGTERM and returns the exit status.
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: logURL)
        return process.terminationStatus
    }

    /// The end of the daemon's output, for failure messages.
    func log() -> String {
        String(fullLog().suffix(3000))
    }

    /// Everything the daemon wrote so far.
    func fullLog() -> String {
        (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
    }

    static func locateBinary() throws -> String {
        var candidates: [String] = []
        if let override = ProcessInfo.processInfo.environment["BALLAST_BIN"] { candidates.append(override) }
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        candidates.append(bundleDirectory.appendingPathComponent("ballast").path)
        candidates.append(bundleDirectory.deletingLastPathComponent().appendingPathComponent("ballast").path)
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/ballast")
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw ToolFailure(description: "no ballast binary at \(candidates); run `swift build --product ballast` "
                + "or set BALLAST_BIN")
        }
        return found
    }

}
