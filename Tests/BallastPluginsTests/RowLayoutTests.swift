import BallastCore
@testable import BallastPlugins
import Foundation
import Testing

/// `snapshot.layout: "rows"`: VMs and `previous` sent as `{columns, rows}`
/// tables holding exactly the declared leaves, in the protocol's column order.
@Suite("row layout")
struct RowLayoutTests {
    static let fieldSets: [VMFields] = [
        .all, [], [.specReservation, .specCeiling, .estimateDemand], [.current, .hasBalloonStats],
        [.estimateSignals, .specCPULimit, .specMemoryLimit, .estimateGuestUsedMemory], [.specOptOut, .estimateConfidence],
    ]

    static func leaf(_ value: JSONValue?, _ path: String) -> JSONValue? {
        path.split(separator: ".").reduce(value) { $0?[String($1)] }
    }

    static func params(_ snapshot: TickSnapshot, _ fields: VMFields, _ layout: SnapshotLayout) throws -> JSONValue {
        try JSONParser.parse(MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot), vmFields: fields, layout: layout))
    }

    /// Every cell equals the same leaf of the objects layout, and the columns are exactly the declared leaves.
    @Test(arguments: fieldSets)
    func rowsHoldExactlyTheDeclaredLeavesInColumnOrder(fields: VMFields) throws {
        let snapshot = SyntheticSnapshot.make(vms: 5, awkwardNames: true, withoutBalloonStats: [1])
        let objects = try Self.params(snapshot, fields, .objects)
        let rows = try Self.params(snapshot, fields, .rows)
        let columns = try #require(rows["snapshot"]?["vms"]?["columns"]?.arrayValue).compactMap(\.stringValue)
        let expected = ["id", "name"] + VMColumns.leaves.filter { fields.contains($0.field) }.map(\.name)
        #expect(columns == expected)
        #expect(columns == VMColumns.names(for: fields))
        let table = try #require(rows["snapshot"]?["vms"]?["rows"]?.arrayValue)
        let vms = try #require(objects["snapshot"]?["vms"]?.arrayValue)
        #expect(table.count == 5)
        for (row, vm) in zip(table, vms) {
            let cells = try #require(row.arrayValue)
            #expect(cells.count == columns.count)
            for (column, cell) in zip(columns, cells) {
                #expect(cell == Self.leaf(vm, column), "\(column)")
            }
        }
        // Every leaf of the objects layout has its column: nothing declared is lost.
        let leafCount = VMColumns.leaves.filter { fields.contains($0.field) }.count
        #expect(columns.count == 2 + leafCount)
        #expect(rows["snapshot"]?["host"] == objects["snapshot"]?["host"])
        #expect(rows["snapshot"]?["tick"] == objects["snapshot"]?["tick"])
    }

    @Test func previousIsATableWithItsOwnColumns() throws {
        let snapshot = SyntheticSnapshot.make(vms: 3)
        let objects = try #require(Self.params(snapshot, [], .objects)["previous"]?.arrayValue)
        let rows = try Self.params(snapshot, [], .rows)["previous"]
        let columns = try #require(rows?["columns"]?.arrayValue).compactMap(\.stringValue)
        #expect(columns == ["id", "memory", "cpu", "vcpus", "cpu_weight", "reason", "stage"])
        let table = try #require(rows?["rows"]?.arrayValue)
        #expect(table.count == objects.count)
        for (row, entry) in zip(table, objects) {
            #expect(row.arrayValue == columns.map { entry[$0] ?? .null })
        }
    }

    @Test func theObjectsLayoutIsTheDefaultByteForByte() throws {
        let snapshot = SyntheticSnapshot.make(vms: 4)
        for fields in Self.fieldSets {
            let implicit = try MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot), vmFields: fields)
            let explicit = try MessageEncoder.decideParams(snapshot, previous: .keepCurrent(snapshot), vmFields: fields, layout: .objects)
            #expect(implicit == explicit)
        }
        #expect(try VMFieldsTests.handshake(snapshot: nil).get().layout == .objects)
        #expect(try VMFieldsTests.handshake(snapshot: .object(["vm_fields": .array([])])).get().layout == .objects)
        #expect(try VMFieldsTests.handshake(snapshot: .object(["layout": .string("objects")])).get().layout == .objects)
        let rows = try VMFieldsTests.handshake(snapshot: .object(["vm_fields": .array([.string("spec.ceiling")]),
                                                                  "layout": .string("rows")])).get()
        #expect(rows.layout == .rows)
        #expect(rows.vmFields == [.specCeiling])
    }

    @Test func aBadLayoutIsAHandshakeErrorNamingTheValue() {
        let unknown = VMFieldsTests.problem(VMFieldsTests.handshake(snapshot: .object(["layout": .string("columns")])))
        #expect(unknown?.contains("snapshot.layout is 'columns'") == true, "\(unknown ?? "accepted")")
        let notString = VMFieldsTests.problem(VMFieldsTests.handshake(snapshot: .object(["layout": .integer(2)])))
        #expect(notString?.contains("snapshot.layout is number") == true, "\(notString ?? "accepted")")
        let misspelt = VMFieldsTests.problem(VMFieldsTests.handshake(snapshot: .object(["layouts": .string("rows")])))
        #expect(misspelt?.contains("unknown member 'layouts'") == true)
    }

    @Test func rowRequestsMatchTheSchema() throws {
        var lines: [[UInt8]] = []
        for fields in Self.fieldSets {
            for snapshot in [SyntheticSnapshot.make(vms: 0), SyntheticSnapshot.make(vms: 9, awkwardNames: true, withoutBalloonStats: [2])] {
                lines.append(MessageEncoder.request(id: 3, method: "decide", params: try MessageEncoder.decideParams(
                    snapshot, previous: .keepCurrent(snapshot), vmFields: fields, layout: .rows)))
            }
        }
        #expect(try Repo.schemaProblems("decide.request", lines: lines) == nil)
    }

    /// The schema lists the leaf columns in Ballast's order (plugin authors read it there).
    @Test func theSchemaListsTheSameColumnsInTheSameOrder() throws {
        let text = try String(contentsOfFile: Repo.path("plugins/schema/common.schema.json"), encoding: .utf8)
        let names = try JSONParser.parse(text)["$defs"]?["vm_column"]?["enum"]?.arrayValue?.compactMap(\.stringValue)
        #expect(names == VMColumns.leaves.map(\.name))
        let previous = try JSONParser.parse(text)["$defs"]?["previous_rows"]?["properties"]?["columns"]?["const"]?.arrayValue
        #expect(previous?.compactMap(\.stringValue) == VMColumns.previous)
    }
}

/// The same through real plugin processes.
@Suite("row layout, end to end", .serialized)
struct RowLayoutProcessTests {
    @Test func aRecordingPluginReceivesRows() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-rows-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let stage = try PluginStage(configuration: Plugins.misbehave(
            "record", [#"{"vm_fields":["spec.ceiling","has_balloon_stats"],"layout":"rows"}"#, path], deadline: 5))
        try await stage.start()
        #expect(await stage.handshake?.layout == .rows)
        let snapshot = SyntheticSnapshot.make(vms: 4)
        let proposal = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        #expect(proposal.entries[0].stage == "bad-record")
        await stage.shutdown()
        let line = try #require(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").first)
        let params = try JSONParser.parse(Array(line.utf8))["params"]
        let vms = params?["snapshot"]?["vms"]
        #expect(vms?["columns"]?.arrayValue?.compactMap(\.stringValue)
                == ["id", "name", "spec.ceiling.cpu", "spec.ceiling.memory", "has_balloon_stats"])
        let rows = try #require(vms?["rows"]?.arrayValue)
        #expect(rows.count == 4)
        #expect(rows[2].arrayValue?[0] == .string(snapshot.vms[2].id.uuid))
        #expect(rows[2].arrayValue?[3] == .integer(Int64(snapshot.vms[2].spec.ceiling.memory)))
        #expect(params?["previous"]?["rows"]?.arrayValue?.count == 4)
    }

    @Test func aBadLayoutStopsThePluginAtTheHandshakeNamingIt() async throws {
        let stage = try PluginStage(configuration: Plugins.misbehave("record", [#"{"layout":"table"}"#, "/dev/null"], deadline: 5))
        await #expect { try await stage.start() } throws: { error in
            guard let failure = error as? PluginError, case .invalidAnswer(_, let method, let detail) = failure else { return false }
            return method == PluginProtocol.initialize && detail.contains("'table'")
        }
        #expect(await stage.handshake == nil)
        await stage.shutdown()
    }

    @Test func theConformanceCheckerSendsTheDeclaredLayoutAndNamesABadOne() async throws {
        let bad = await ConformanceChecker(command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), "record",
                                                     #"{"layout":"table"}"#, "/dev/null"], deadline: 5, samples: 1).run()
        #expect(bad.violations.contains { $0.hasPrefix("handshake:") && $0.contains("'table'") }, "\(bad.violations)")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-check-\(UUID().uuidString).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let good = await ConformanceChecker(command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), "record",
                                                      #"{"vm_fields":["spec.floor"],"layout":"rows"}"#, path],
                                            deadline: 5, samples: 1, largeCase: 20).run()
        #expect(good.plugin?.layout == .rows)
        #expect(try JSONParser.parse(good.json)["plugin"]?["layout"] == .string("rows"))
        let requests = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(requests.count >= 5)
        for line in requests {
            let vms = try JSONParser.parse(Array(line.utf8))["params"]?["snapshot"]?["vms"]
            #expect(vms?["columns"]?.arrayValue?.compactMap(\.stringValue) == ["id", "name", "spec.floor.cpu", "spec.floor.memory"])
        }
    }

    /// The C priority plugin declares rows and answers it the same as objects (its SDK reads both).
    @Test func thePriorityPluginAnswersTheSameInBothLayouts() async throws {
        try Repo.cPluginsBuilt.get()
        let report = await ConformanceChecker(command: [Repo.path(Plugins.cPriority)], deadline: 5, samples: 1, largeCase: 10).run()
        #expect(report.violations == [], "\(report.violations)")
        #expect(report.plugin?.layout == .rows)
        let snapshot = SyntheticSnapshot.make(vms: 12)
        var answers: [SnapshotLayout: [UInt8]] = [:]
        for layout in SnapshotLayout.allCases {
            let request = MessageEncoder.request(id: 2, method: "decide", params: try MessageEncoder.decideParams(
                snapshot, previous: .keepCurrent(snapshot), vmFields: [.specReservation, .specCeiling, .estimateDemand], layout: layout))
            let initialize = MessageEncoder.request(id: 1, method: "initialize", params: MessageEncoder.initializeParams(
                versions: [1], pluginName: "p", options: .object(["high_priority": .array([.string("vm-*")])]),
                deadlineMilliseconds: 250, maximumLineBytes: PluginProtocol.maximumLineBytes))
            let result = try Repo.run([Repo.path(Plugins.cPriority)], input: Data(initialize + request))
            let lines = result.output.split(separator: "\n")
            answers[layout] = Array(try #require(lines.last).utf8)
        }
        let objects = try JSONParser.parse(try #require(answers[.objects]))
        #expect(objects["result"]?["allocations"]?.arrayValue?.count == 12)
        #expect(answers[.rows] == answers[.objects])
    }
}
