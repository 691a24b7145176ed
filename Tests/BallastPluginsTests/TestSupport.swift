import BallastCore
@testable import BallastPlugins
import Foundation
import Synchronization

/// Paths and helpers shared by the plugin tests.
enum Repo {
    static let root: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }

    /// The real interpreter behind `python3` (the pyenv shim is slow to start).
    static let python: String = {
        (try? run(["python3", "-c", "import sys; print(sys.executable)"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? "/usr/bin/python3"
    }()

    /// Builds the C plugins once per test run.
    static let cPluginsBuilt: Result<Void, ToolFailure> = {
        do {
            let result = try run(["make", "-s", "-C", path("plugins/c")])
            return result.status == 0 ? .success(()) : .failure(ToolFailure(detail: "make -C plugins/c: \(result.output)"))
        } catch let failure as ToolFailure {
            return .failure(failure)
        } catch {
            return .failure(ToolFailure(detail: "\(error)"))
        }
    }()

    struct ToolFailure: Error, CustomStringConvertible {
        var detail: String
        var description: String { detail }
    }

    /// Runs a tool to completion (tests only), stdout and stderr merged.
    static func run(_ argv: [String], input: Data? = nil) throws(ToolFailure) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = argv
        let output = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = stdin
        do {
            try process.run()
        } catch {
            throw ToolFailure(detail: "cannot run \(argv): \(error)")
        }
        if let input { stdin.fileHandleForWriting.write(input) }
        try? stdin.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Validates NDJSON lines against plugins/schema/NAME.schema.json with Python's jsonschema.
    static func schemaProblems(_ name: String, lines: [[UInt8]]) throws -> String? {
        var data = Data()
        for line in lines {
            data.append(contentsOf: line)
            if line.last != 0x0A { data.append(0x0A) }
        }
        let result = try run([python, path("plugins/schema/validate.py"), name, "-"], input: data)
        return result.status == 0 ? nil : result.output
    }
}

/// Collects events for assertions.
final class RecordingSink: BalancerEventSink {
    private let storage = Mutex<[BalancerEvent]>([])

    func record(_ event: BalancerEvent) {
        storage.withLock { $0.append(event) }
    }

    var events: [BalancerEvent] { storage.withLock { $0 } }

    func outcomes(_ method: String) -> [String] {
        events.compactMap {
            if case .pluginRequest(_, let m, let outcome, _) = $0, m == method { return outcome }
            return nil
        }
    }

    var restarts: Int {
        events.filter { if case .pluginRestarted = $0 { return true } else { return false } }.count
    }

    var quarantines: Int {
        events.filter { if case .pluginQuarantined = $0 { return true } else { return false } }.count
    }

    var logLines: [String] {
        events.compactMap { if case .pluginLog(_, let line) = $0 { return line } else { return nil } }
    }
}

enum Plugins {
    static func python(_ name: String, script: String, options: JSONValue = .object([:]),
                       deadline: Double = 5) -> PluginConfiguration {
        PluginConfiguration(name: name, command: [Repo.python, Repo.path(script)], deadline: deadline,
                            handshakeTimeout: 20, options: options)
    }

    static func misbehave(_ mode: String, _ arguments: [String] = [], deadline: Double = 0.3,
                          restart: RestartSettings = RestartSettings(initialBackoff: 0.1, maximumBackoff: 0.4,
                                                                     quarantineAfter: 3, quarantineWindow: 60,
                                                                     quarantineDuration: 0.5),
                          maximumLineBytes: Int = PluginProtocol.maximumLineBytes) -> PluginConfiguration {
        PluginConfiguration(name: "bad-\(mode)", command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), mode] + arguments,
                            deadline: deadline, handshakeTimeout: 20, restart: restart,
                            maximumLineBytes: maximumLineBytes)
    }

    static let cPriority = "plugins/c/build/priority"
}
