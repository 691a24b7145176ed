import BallastCore
@testable import BallastPlugins
import Foundation
import Testing

/// `snapshot.vm_fields`: a plugin declares the VM fields it reads and Ballast
/// sends only those (plus `id`, `name` and the whole `previous` proposal).
@Suite("declared VM fields")
struct VMFieldsTests {
    static func keys(_ value: JSONValue?) -> [String] {
        value?.objectValue?.members.map(\.key) ?? []
    }

    static func handshake(snapshot: JSONValue?) -> Result<PluginHandshake, HandshakeProblem> {
        var result: JSONObject = ["protocol_version": .integer(1), "name": .string("p"), "version": .string("1"),
                                  "capabilities": .array([.string("decide")])]
        if let snapshot { result = JSONObject(members: result.members + [.init(key: "snapshot", value: snapshot)]) }
        return PluginHandshake.parse(.object(result), offered: [1])
    }

    static func problem(_ result: Result<PluginHandshake, HandshakeProblem>) -> String? {
        if case .failure(.malformed(let detail)) = result { return detail }
        return nil
    }

    @Test func theEncoderWritesOnlyTheDeclaredMembers() throws {
        let snapshot = SyntheticSnapshot.make(vms: 3, awkwardNames: true)
        let fields: VMFields = [.specCeiling, .estimateDemand, .hasBalloonStats]
        let params = try JSONParser.parse(MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot), vmFields: fields))
        let vms = try #require(params["snapshot"]?["vms"]?.arrayValue)
        #expect(vms.count == 3)
        for (index, vm) in vms.enumerated() {
            #expect(Self.keys(vm) == ["id", "name", "spec", "estimate", "has_balloon_stats"])
            #expect(Self.keys(vm["spec"]) == ["ceiling"])
            #expect(Self.keys(vm["estimate"]) == ["demand"])
            #expect(vm["name"] == .string(snapshot.vms[index].name))
            #expect(vm["spec"]?["ceiling"]?["memory"] == .integer(Int64(snapshot.vms[index].spec.ceiling.memory)))
        }
        let previous = try #require(params["previous"]?.arrayValue)
        #expect(previous.count == 3)
        #expect(Self.keys(previous[0]) == ["id", "memory", "cpu", "vcpus", "cpu_weight", "reason", "stage"])
        #expect(Self.keys(params["snapshot"]) == ["tick", "time", "host", "guest_capacity", "cpu_enforcement", "vms"])
    }

    @Test("memory_mechanism and host_memory: the mechanism's name, the footprint or null, in both layouts")
    func memoryMechanismAndHostMemory() throws {
        var snapshot = SyntheticSnapshot.make(vms: 3)
        snapshot.vms[0].spec.memoryMechanism = .virtioMem
        snapshot.vms[0].hostFootprint = 300 << 20
        snapshot.vms[1].spec.memoryMechanism = .unresizable
        let fields: VMFields = [.memoryMechanism, .hostMemory]
        let objects = try JSONParser.parse(MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot), vmFields: fields))
        let vms = try #require(objects["snapshot"]?["vms"]?.arrayValue)
        #expect(vms.map { $0["memory_mechanism"] } == [.string("virtio-mem"), .string("none"), .string("balloon")])
        #expect(vms.map { $0["host_memory"] } == [.integer(300 << 20), .null, .null])
        #expect(Self.keys(vms[0]) == ["id", "name", "memory_mechanism", "host_memory"])
        #expect(VMFields.parse(.array([.string("memory_mechanism"), .string("host_memory")]), location: "vm_fields")
            == .success(fields))
        #expect(VMColumns.names(for: fields) == ["id", "name", "memory_mechanism", "host_memory"])
        #expect(fields.wireNames == ["memory_mechanism", "host_memory"])
    }

    @Test func nothingDeclaredMeansEveryMemberAndAnEmptyListMeansIdAndName() throws {
        let snapshot = SyntheticSnapshot.make(vms: 2)
        let full = try MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot))
        #expect(try MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot), vmFields: .all) == full)
        let vm = try #require(JSONParser.parse(full)["snapshot"]?["vms"]?.arrayValue?.first)
        #expect(Self.keys(vm) == ["id", "name", "spec", "current", "estimate", "has_balloon_stats", "memory_mechanism", "host_memory"])
        #expect(Self.keys(vm["spec"]).count == 11)
        #expect(Self.keys(vm["current"]) == ["memory", "cpu", "vcpus", "cpu_weight"])
        #expect(Self.keys(vm["estimate"]) == ["demand", "guest_used_memory", "memory_active_fraction", "confidence", "signals"])

        let bare = try JSONParser.parse(MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot), vmFields: []))
        #expect(Self.keys(bare["snapshot"]?["vms"]?.arrayValue?.first) == ["id", "name"])
    }

    @Test func theHandshakeReadsTheDeclaration() throws {
        #expect(try Self.handshake(snapshot: nil).get().vmFields == .all)
        #expect(try Self.handshake(snapshot: .object([:])).get().vmFields == .all)
        let declared = try Self.handshake(snapshot: .object(["vm_fields": .array([
            .string("id"), .string("spec.ceiling"), .string("current"), .string("estimate.signals"), .string("spec.ceiling"),
        ])])).get()
        #expect(declared.vmFields == [.specCeiling, .current, .estimateSignals])
        #expect(declared.vmFields.wireNames == ["spec.ceiling", "current", "estimate.signals"])
        #expect(try Self.handshake(snapshot: .object(["vm_fields": .array([])])).get().vmFields == [])
        // Every name of the protocol's table is accepted, and together they are everything.
        let everyName = JSONValue.array(VMFields.names.map { .string($0.name) })
        #expect(try Self.handshake(snapshot: .object(["vm_fields": everyName])).get().vmFields == .all)
    }

    @Test func aBadDeclarationIsAHandshakeErrorNamingWhatIsWrong() {
        let unknown = Self.problem(Self.handshake(snapshot: .object(["vm_fields": .array([.string("spec.ceiling"), .string("spec.celing")])])))
        #expect(unknown?.contains("snapshot.vm_fields[1] names unknown VM field 'spec.celing'") == true)
        let notArray = Self.problem(Self.handshake(snapshot: .object(["vm_fields": .string("spec")])))
        #expect(notArray?.contains("snapshot.vm_fields is string, expected an array") == true)
        let notString = Self.problem(Self.handshake(snapshot: .object(["vm_fields": .array([.integer(3)])])))
        #expect(notString?.contains("snapshot.vm_fields[0] is number") == true)
        let misspelt = Self.problem(Self.handshake(snapshot: .object(["vm_field": .array([])])))
        #expect(misspelt?.contains("unknown member 'vm_field'") == true)
        let notObject = Self.problem(Self.handshake(snapshot: .array([])))
        #expect(notObject?.contains("snapshot is array, expected an object") == true)
    }

    /// The schema's list of names (what plugin authors validate against) is Ballast's list.
    @Test func theSchemaNamesTheSameFieldsAsBallast() throws {
        let text = try String(contentsOfFile: Repo.path("plugins/schema/common.schema.json"), encoding: .utf8)
        let names = try JSONParser.parse(text)["$defs"]?["vm_field"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(names == VMFields.names.map(\.name))
    }

    @Test func slimRequestsMatchTheSchema() throws {
        var lines: [[UInt8]] = []
        for fields: VMFields in [[], [.specCeiling, .estimateDemand], [.current, .hasBalloonStats], [.estimateSignals, .specCPULimit]] {
            let snapshot = SyntheticSnapshot.make(vms: 9, awkwardNames: true, withoutBalloonStats: [2])
            lines.append(MessageEncoder.request(id: 3, method: "decide", params: try MessageEncoder.decideParams(
                snapshot, previous: .keepCurrent(snapshot), vmFields: fields)))
        }
        #expect(try Repo.schemaProblems("decide.request", lines: lines) == nil)
    }
}

/// The same through a real plugin process: what the plugin receives is
/// recorded by `misbehave.py record` and decoded here.
@Suite("declared VM fields, end to end", .serialized)
struct VMFieldsProcessTests {
    func received(declaration: String) async throws -> [JSONValue] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-record-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stage = try PluginStage(configuration: Plugins.misbehave("record", [declaration, path], deadline: 5))
        try await stage.start()
        let snapshot = SyntheticSnapshot.make(vms: 4)
        let proposal = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        #expect(proposal.entries[0].stage == "bad-record")
        await stage.shutdown()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONParser.parse(Array($0.utf8)) }
    }

    @Test func thePluginReceivesOnlyWhatItDeclared() async throws {
        let requests = try await received(declaration: #"{"vm_fields":["estimate.demand","has_balloon_stats"]}"#)
        let request = try #require(requests.first)
        let vms = try #require(request["params"]?["snapshot"]?["vms"]?.arrayValue)
        #expect(vms.count == 4)
        for vm in vms {
            #expect(VMFieldsTests.keys(vm) == ["id", "name", "estimate", "has_balloon_stats"])
            #expect(VMFieldsTests.keys(vm["estimate"]) == ["demand"])
        }
        #expect(request["params"]?["previous"]?.arrayValue?.count == 4)
    }

    @Test func aPluginThatDeclaresNothingReceivesEverything() async throws {
        let requests = try await received(declaration: "none")
        let vm = try #require(requests.first?["params"]?["snapshot"]?["vms"]?.arrayValue?.first)
        #expect(VMFieldsTests.keys(vm) == ["id", "name", "spec", "current", "estimate", "has_balloon_stats", "memory_mechanism", "host_memory"])
        #expect(vm["estimate"]?["signals"]?.arrayValue?.count == 2)
    }

    @Test func anUnknownFieldStopsThePluginAtTheHandshakeNamingIt() async throws {
        let sink = RecordingSink()
        let stage = try PluginStage(configuration: Plugins.misbehave("record", [#"{"vm_fields":["spec.cieling"]}"#, "/dev/null"], deadline: 5),
                                    events: sink)
        await #expect { try await stage.start() } throws: { error in
            guard let failure = error as? PluginError, case .invalidAnswer(_, let method, let detail) = failure else { return false }
            return method == PluginProtocol.initialize && detail.contains("'spec.cieling'")
        }
        #expect(await stage.handshake == nil)
        #expect(sink.outcomes(PluginProtocol.initialize) == ["invalid"])
        // The tick goes on without it: decide fails typed (backing off), the caller keeps its proposal.
        let snapshot = SyntheticSnapshot.make(vms: 1)
        await #expect(throws: PluginError.self) { try await stage.decide(snapshot, previous: .keepCurrent(snapshot)) }
        await stage.shutdown()
    }

    @Test func theConformanceCheckerNamesAnUnknownFieldAndUsesTheDeclaredShape() async throws {
        let bad = await ConformanceChecker(command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), "record",
                                                     #"{"vm_fields":["estimate.demand","signals"]}"#, "/dev/null"],
                                           deadline: 5, samples: 1).run()
        #expect(bad.violations.contains { $0.hasPrefix("handshake:") && $0.contains("'signals'") }, "\(bad.violations)")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-check-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let good = await ConformanceChecker(command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), "record",
                                                      #"{"vm_fields":["spec.floor"]}"#, path],
                                            deadline: 5, samples: 1, largeCase: 20).run()
        #expect(good.plugin?.vmFields == [.specFloor])
        #expect(try JSONParser.parse(good.json)["plugin"]?["vm_fields"] == .array([.string("spec.floor")]))
        let requests = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(requests.count >= 5)
        for line in requests {
            let vms = try JSONParser.parse(Array(line.utf8))["params"]?["snapshot"]?["vms"]?.arrayValue ?? []
            for vm in vms { #expect(VMFieldsTests.keys(vm) == ["id", "name", "spec"]) }
        }
    }

    @Test func everyShippedPluginDeclaresItsFields() async throws {
        try Repo.cPluginsBuilt.get()
        for (name, command) in ShippedPluginTests.shipped {
            let report = await ConformanceChecker(command: command, deadline: 5, samples: 1, largeCase: 10).run()
            #expect(report.violations == [], "\(name): \(report.violations)")
            let fields = try #require(report.plugin?.vmFields, "\(name) did not start")
            #expect(fields != .all, "\(name) declares no vm_fields")
            #expect(!fields.contains(.estimateSignals), "\(name)")
        }
    }
}
