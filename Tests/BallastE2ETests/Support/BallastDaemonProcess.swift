import Testing
import Foundation

/// Finds out whether the built `ballast` has the `run` subcommand the balancing
/// scenarios drive. Until it does, those scenarios are reported as known issues
/// (never as passing); see `balancingScenario`.
enum BallastBinary {
    /// nil when `ballast run` is there; otherwise what is missing and what to do.
    static func missingRunReason() async -> String? {
        let path = HarnessPaths.ballastBinary
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return "no executable at \(path); build it with `swift build --product ballast` or set BALLAST_BIN"
        }
        // ArgumentParser answers `run --help` with the root help when `run` is unknown,
        // so look for run's own usage line and the option the scenarios pass.
        guard let help = try? await Shell.run(path, ["run", "--help"], timeout: 30),
              help.stdout.contains("USAGE: ballast run"), help.stdout.contains("--connect") else {
            return "\(path) has no `run` subcommand with --connect yet (`ballast run --help` shows no run usage)"
        }
        return nil
    }
}

/// Runs a balancing scenario that needs `ballast run`. When the binary lacks it, the
/// scenario is recorded as a known issue with the reason (visible in the report, never
/// a pass) and boots no guests; as soon as `run` exists the scenario runs for real.
func balancingScenario(_ body: () async throws -> Void) async throws {
    if let reason = await BallastBinary.missingRunReason() {
        withKnownIssue("needs `ballast run`: \(reason)") {
            throw HarnessError.ballastRunMissing(reason)
        }
        return
    }
    try await body()
}

/// A `ballast run` daemon under test: started with a config written for the
/// scenario, output (stdout and stderr together) in a log file the test can read while
/// it runs, stopped with SIGTERM as an operator would.
final class BallastDaemonProcess {
    let logPath: String
    private let process: Process

    /// Writes `config` and starts `ballast run --connect URI --config FILE` plus `arguments`.
    /// The HTTP endpoint listens on an ephemeral port so that runs never collide.
    convenience init(scenario: String, config: String, arguments: [String] = [], uri: String = HarnessPaths.uri) throws {
        let directory = try HarnessPaths.runDirectory(scenario)
        let configPath = "\(directory)/ballast.toml"
        try ("listen = \"127.0.0.1:0\"\n" + config).write(toFile: configPath, atomically: true, encoding: .utf8)
        try self.init(scenario: scenario, executable: HarnessPaths.ballastBinary,
                      arguments: ["run", "--connect", uri, "--config", configPath] + arguments)
    }

    /// Starts `executable` with `arguments` exactly as given (e.g. a unit's ExecStart line),
    /// its output in the scenario's log file.
    init(scenario: String, executable: String, arguments: [String]) throws {
        logPath = "\(try HarnessPaths.runDirectory(scenario))/ballast.log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try log.close()
    }

    var isRunning: Bool { process.isRunning }

    var processIdentifier: Int32 { process.processIdentifier }

    /// Everything the daemon printed so far.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Log lines containing every one of `fragments` (case-insensitive).
    func logLines(containing fragments: String...) -> [String] {
        log.split(whereSeparator: \.isNewline).map(String.init).filter { line in
            fragments.allSatisfy { line.localizedCaseInsensitiveContains($0) }
        }
    }

    /// Waits for the process to exit by itself and returns its exit status.
    func waitForExit(within seconds: Double) async throws -> Int32 {
        try await eventually("ballast exits", within: seconds, every: 0.2, hint: "log: \(logPath)") { !process.isRunning }
        return process.terminationStatus
    }

    /// SIGTERM, then the exit status; SIGKILL and a timeout error if it does not stop.
    @discardableResult
    func stop(within seconds: Double = 15) async throws -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        process.terminate()
        do {
            return try await waitForExit(within: seconds)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw error
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}

extension BallastDaemonProcess {
    /// Config sections that make the settled size follow a lone guest's use: no surplus
    /// handed out, a shrink in one step, no smoothing of falls.
    static let followsUse = """
        [allocator]
        distribute_surplus = false
        [governor]
        max_shrink_fraction = 1
        [estimator]
        fall_half_life = 0
        """
}
