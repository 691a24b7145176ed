import BallastCore
@testable import BallastPlugins
import Foundation
import Testing

@Suite("supervisor: spawn environment, user drop, lifecycle", .serialized)
struct SupervisorTests {
    func probe(_ configuration: PluginConfiguration) async throws -> JSONValue {
        let stage = try PluginStage(configuration: configuration)
        let handshake = try await stage.start()
        await stage.shutdown()
        return try JSONParser.parse(handshake.version)
    }

    @Test func environmentIsAnAllowlistAndTheWorkingDirectoryIsSet() async throws {
        let configuration = PluginConfiguration(
            name: "probe", command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), "probe"],
            workingDirectory: "/tmp", environment: ["HOME", "NO_SUCH_VARIABLE_HERE"], handshakeTimeout: 20)
        let report = try await probe(configuration)
        let names = Set(report["env"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(names.contains("BALLAST_PLUGIN"))
        #expect(names.contains("HOME"))
        #expect(!names.contains("PATH"))
        #expect(names.isSubset(of: ["HOME", "BALLAST_PLUGIN", "LC_CTYPE"]))
        #expect(report["cwd"] == .string("/tmp"))
    }

    @Test func dropsToTheConfiguredUserAndGroup() async throws {
        guard getuid() == 0 else { return }
        let configuration = PluginConfiguration(
            name: "probe", command: ["/usr/bin/python3", Repo.path("plugins/testing/misbehave.py"), "probe"],
            workingDirectory: "/tmp", user: "nobody", group: "nogroup", handshakeTimeout: 20)
        let report = try await probe(configuration)
        #expect(report["uid"] == .integer(65534))
        #expect(report["gid"] == .integer(65534))
    }

    @Test func unknownUserAndMissingProgramAreClearErrors() async throws {
        let user = try PluginStage(configuration: PluginConfiguration(name: "u", command: ["/bin/true"], user: "no-such-user-xyz"))
        await #expect { try await user.start() } throws: { ($0 as? PluginError)?.description.contains("unknown user 'no-such-user-xyz'") == true }
        let missing = try PluginStage(configuration: PluginConfiguration(name: "m", command: ["/nonexistent/plugin"]))
        await #expect { try await missing.start() } throws: { ($0 as? PluginError)?.outcome == "spawn_failed" }
    }

    @Test func invalidConfigurationIsRefused() {
        #expect(throws: PluginError.self) { try PluginStage(configuration: PluginConfiguration(name: "x", command: [])) }
        #expect(throws: PluginError.self) {
            try PluginConfiguration(name: "x", command: ["a"], options: .array([.integer(1)])).validate()
        }
        #expect(throws: PluginError.self) {
            try PluginConfiguration(name: "x", command: ["a"], deadline: 0).validate()
        }
    }

    @Test func shutdownEndsTheProcessAndObserveIsDelivered() async throws {
        let sink = RecordingSink()
        let stage = try PluginStage(configuration: Plugins.misbehave("good", deadline: 3), events: sink)
        try await stage.start()
        let snapshot = SyntheticSnapshot.make(vms: 2)
        _ = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        await stage.observe(snapshot, applied: [])
        _ = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        await stage.shutdown()
        #expect(await stage.handshake == nil)
        #expect(sink.outcomes("decide") == ["ok", "ok"])
    }
}
