import BallastCore
@testable import BallastPlugins
import Testing

/// Ballast's own messages must satisfy plugins/schema/, the same schemas the
/// plugins' tests use (validated with Python's jsonschema).
@Suite("Ballast's messages against plugins/schema")
struct SchemaTests {
    @Test func initializeDecideObserveAndShutdownMatchTheirSchemas() throws {
        let initialize = MessageEncoder.request(id: 1, method: "initialize", params: MessageEncoder.initializeParams(
            versions: [1], pluginName: "p", options: .object(["a": .array([.string("x")])]),
            deadlineMilliseconds: 250, maximumLineBytes: PluginProtocol.maximumLineBytes))
        #expect(try Repo.schemaProblems("initialize.request", lines: [initialize]) == nil)

        var lines: [[UInt8]] = []
        for snapshot in [SyntheticSnapshot.make(vms: 0), SyntheticSnapshot.make(vms: 12, awkwardNames: true, withoutBalloonStats: [2]),
                         SyntheticSnapshot.make(vms: 1000)] {
            lines.append(MessageEncoder.request(id: 7, method: "decide",
                                                params: try MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot))))
        }
        #expect(try Repo.schemaProblems("decide.request", lines: lines) == nil)

        let change = Change(vm: VMID(SyntheticSnapshot.uuid(1)), vmName: "vm \"1\"", .cpuQuota(from: 2000, to: 1500), reason: "r")
        let observe = MessageEncoder.notification(method: "observe", params: MessageEncoder.observeParams(tick: 9, applied: [
            AppliedChange(change: change, outcome: .applied), AppliedChange(change: change, outcome: .failed("libvirt said no")),
        ]))
        #expect(try Repo.schemaProblems("observe.notification", lines: [observe]) == nil)
        let shutdown = MessageEncoder.request(id: 3, method: "shutdown", params: Array("{}".utf8))
        #expect(try Repo.schemaProblems("shutdown.request", lines: [shutdown]) == nil)
    }

    @Test func theSchemaRejectsWhatTheValidatorRejects() throws {
        let bad = Array(#"{"jsonrpc":"2.0","id":1,"result":{"allocations":[{"id":"x","memory":-1,"reason":"r"}]}}"#.utf8)
        #expect(try Repo.schemaProblems("decide.response", lines: [bad]) != nil)
    }

    /// The plugin side: every shipped plugin's messages against the same schemas.
    @Test func pluginSideSchemaTestsPass() throws {
        try Repo.cPluginsBuilt.get()
        let result = try Repo.run([Repo.python, Repo.path("plugins/tests/test_plugins.py")])
        #expect(result.status == 0, "\(result.output)")
    }
}
