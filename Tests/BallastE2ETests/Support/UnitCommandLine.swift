import Foundation

/// The commands `contrib/ballast.service` (or an installed copy) starts, as the tests run
/// them: the unit's `ExecStartPre=` and `ExecStart=` lines parsed, with only the binary's
/// path and the config file's path replaced when the test host needs other ones. Every
/// other word is the unit's, so a change to the unit's arguments changes what the test runs.
struct UnitCommandLine: Sendable {
    let unitPath: String
    let preStart: [SystemdUnit.Command]
    let start: SystemdUnit.Command
    /// The config file the unit names (`--config PATH` of ExecStart).
    let configPath: String

    init(unitPath: String) throws {
        self.unitPath = unitPath
        let unit = try SystemdUnit(path: unitPath)
        preStart = try unit.commands("ExecStartPre")
        let starts = try unit.commands("ExecStart")
        guard starts.count == 1, let start = starts.first else {
            throw HarnessError.unexpectedOutput(command: "read \(unitPath)",
                                                detail: "\(starts.count) ExecStart= lines; a Type=exec service has exactly one")
        }
        self.start = start
        let arguments = start.arguments
        if let index = arguments.firstIndex(of: "--config"), index + 1 < arguments.count {
            configPath = arguments[index + 1]
        } else if let joined = arguments.first(where: { $0.hasPrefix("--config=") }) {
            configPath = String(joined.dropFirst("--config=".count))
        } else {
            throw HarnessError.unexpectedOutput(command: "read \(unitPath)",
                                                detail: "ExecStart runs without --config: \(start.words.joined(separator: " "))")
        }
        for command in preStart + [start] where URL(fileURLWithPath: command.executable).lastPathComponent != "ballast" {
            throw HarnessError.unexpectedOutput(command: "read \(unitPath)",
                                                detail: "the unit runs \(command.executable), not a ballast binary")
        }
    }

    /// `command` with the binary replaced by `binary` and every word naming the unit's
    /// config file (alone or as `--config=PATH`) by `config`; nil keeps the unit's own.
    func adapted(_ command: SystemdUnit.Command, binary: String? = nil, config: String? = nil) -> SystemdUnit.Command {
        var adapted = command
        if let binary { adapted.executable = binary }
        if let config {
            adapted.arguments = command.arguments.map { word in
                if word == configPath { return config }
                if word == "--config=\(configPath)" { return "--config=\(config)" }
                return word
            }
        }
        return adapted
    }

    /// Runs the ExecStartPre commands in order, as systemd does before ExecStart: a failing
    /// one (unless prefixed with "-") fails the start. Returns what each printed.
    func runPreStart(binary: String? = nil, config: String? = nil) async throws -> [CommandResult] {
        var results: [CommandResult] = []
        for command in preStart.map({ adapted($0, binary: binary, config: config) }) {
            let result = try await Shell.run(command.executable, command.arguments, timeout: 60)
            if !command.ignoresFailure { try result.check() }
            results.append(result)
        }
        return results
    }
}
