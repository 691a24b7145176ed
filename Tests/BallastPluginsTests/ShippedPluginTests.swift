import BallastCore
@testable import BallastPlugins
import Foundation
import Testing

/// Every plugin in plugins/ runs for real through the supervisor and passes the conformance checker.
@Suite("shipped plugins", .serialized)
struct ShippedPluginTests {
    static let shipped: [(name: String, command: [String])] = [
        ("priority", [Repo.path(Plugins.cPriority)]),
        ("time-of-day", [Repo.python, Repo.path("plugins/python/time_of_day/time_of_day.py")]),
        ("mom-balloon", [Repo.python, Repo.path("plugins/python/mom_balloon/mom_balloon.py")]),
        ("headroom", [Repo.python, Repo.path("plugins/jsonrpcserver/headroom.py")]),
    ]

    @Test func cPriorityKeepsAFloorAndRaisesWeightForTaggedVMs() async throws {
        try Repo.cPluginsBuilt.get()
        let configuration = PluginConfiguration(name: "priority", command: [Repo.path(Plugins.cPriority)], deadline: 5,
                                                handshakeTimeout: 20, options: .object(["high_priority": .array([.string("vm-1"), .string("vm-3")])]))
        let stage = try PluginStage(configuration: configuration)
        try await stage.start()
        var snapshot = SyntheticSnapshot.make(vms: 6)
        snapshot.vms[1].estimate.demand.memory = snapshot.vms[1].current.memory + .gibibytes(1)
        let proposal = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        #expect(proposal.entries[1].stage == "priority")
        #expect(proposal.entries[1].allocation.cpuWeight.value == 4096)
        #expect(proposal.entries[1].allocation.memory == snapshot.vms[1].estimate.demand.memory)
        #expect(proposal.entries[3].stage == "priority")
        #expect(proposal.entries[0].stage == "current")
        #expect(proposal.entries[0].allocation == snapshot.vms[0].current)
        await stage.shutdown()
    }

    @Test(arguments: CPUEnforcement.allCases)
    func timeOfDayYieldsByDayAndBoostsAtNight(_ enforcement: CPUEnforcement) async throws {
        var snapshot = SyntheticSnapshot.make(vms: 4)
        snapshot.cpuEnforcement = enforcement
        for (hour, check) in [(10, true), (23, false)] {
            let stage = try PluginStage(configuration: Plugins.python(
                "time-of-day", script: "plugins/python/time_of_day/time_of_day.py",
                options: .object(["hour": .integer(Int64(hour)), "batch": .array([.string("vm-2")])])))
            try await stage.start()
            let proposal = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
            let entry = proposal.entries[2]
            #expect(entry.stage == "time-of-day")
            if check {
                // By day the batch VM keeps half its share: of its weight or of its quota.
                let current = snapshot.vms[2].current
                switch enforcement {
                case .weight:
                    #expect(entry.allocation.cpuWeight.value == max(2, current.cpuWeight.value / 2))
                    #expect(entry.allocation.cpu == current.cpu)
                case .quota:
                    #expect(entry.allocation.cpu == current.cpu / 2)
                }
            } else {
                #expect(entry.allocation.cpuWeight.value == 4096)
            }
            #expect(proposal.entries[1].stage == "current")
            await stage.shutdown()
        }
    }

    @Test func momBalloonShrinksUnderHostPressureAndSkipsGuestsWithoutStats() async throws {
        var snapshot = SyntheticSnapshot.make(vms: 4, withoutBalloonStats: [1])
        snapshot.host.memoryAvailable = snapshot.host.capacity.memory / 10
        let stage = try PluginStage(configuration: Plugins.python("mom-balloon", script: "plugins/python/mom_balloon/mom_balloon.py"))
        try await stage.start()
        let proposal = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        let current = snapshot.vms[0].current.memory
        #expect(proposal.entries[0].allocation.memory == UInt64(Double(current) * 0.95))
        #expect(proposal.entries[0].stage == "mom-balloon")
        #expect(proposal.entries[1].stage == "current")
        await stage.shutdown()
    }

    @Test func jsonrpcserverPluginSpeaksTheProtocol() async throws {
        let installed = try Repo.run([Repo.python, "-c", "import jsonrpcserver"])
        try #require(installed.status == 0, "jsonrpcserver is missing: pip install 'jsonrpcserver>=5,<6'")
        let stage = try PluginStage(configuration: Plugins.python("headroom", script: "plugins/jsonrpcserver/headroom.py"))
        let handshake = try await stage.start()
        #expect(handshake.name == "headroom")
        let snapshot = SyntheticSnapshot.make(vms: 11)
        let proposal = try await stage.decide(snapshot, previous: .keepCurrent(snapshot))
        let changed = proposal.entries.filter { $0.stage == "headroom" }
        #expect(!changed.isEmpty)
        for entry in changed {
            let vm = try #require(snapshot.vms.first { $0.id == entry.id })
            #expect(entry.allocation.cpu >= vm.current.cpu)
            #expect(entry.allocation.cpu <= vm.spec.ceiling.cpu)
        }
        await stage.shutdown()
    }

    @Test func pluginsChainInOrderEachSeeingThePreviousProposal() async throws {
        try Repo.cPluginsBuilt.get()
        let snapshot = SyntheticSnapshot.make(vms: 4)
        let night = try PluginStage(configuration: Plugins.python(
            "time-of-day", script: "plugins/python/time_of_day/time_of_day.py",
            options: .object(["hour": .integer(2), "batch": .array([.string("vm-2")])])))
        let priority = try PluginStage(configuration: PluginConfiguration(
            name: "priority", command: [Repo.path(Plugins.cPriority)], deadline: 5, handshakeTimeout: 20,
            options: .object(["high_priority": .array([.string("vm-2")]), "weight_factor": .integer(2)])))
        try await night.start()
        try await priority.start()
        let first = try await night.decide(snapshot, previous: .keepCurrent(snapshot))
        let second = try await priority.decide(snapshot, previous: first)
        #expect(first.entries[2].allocation.cpuWeight.value == 4096)
        #expect(second.entries[2].allocation.cpuWeight.value == 8192)
        #expect(second.entries[2].stage == "priority")
        await night.shutdown()
        await priority.shutdown()
    }

    @Test(arguments: ShippedPluginTests.shipped.map(\.name))
    func conformanceCheckerPassesEveryShippedPlugin(_ name: String) async throws {
        try Repo.cPluginsBuilt.get()
        let command = try #require(Self.shipped.first { $0.name == name }?.command)
        let report = await ConformanceChecker(command: command, deadline: 5, samples: 5).run()
        #expect(report.violations == [], "\(name): \(report.violations)")
        #expect(report.latencyP50Milliseconds != nil)
        #expect(report.vms == 1000)
        let json = try JSONParser.parse(report.json)
        #expect(json["ok"] == .bool(true))
        #expect(json["latency_ms"]?["p99"] != nil)
        let lines = report.answers.map { answer -> [UInt8] in
            var writer = JSONWriter()
            writer.raw("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":")
            writer.value(answer)
            writer.raw("}")
            return writer.bytes
        }
        #expect(!lines.isEmpty)
        #expect(try Repo.schemaProblems("decide.response", lines: lines) == nil)
    }

    @Test func conformanceCheckerNamesViolations() async throws {
        let garbage = await ConformanceChecker(command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), "garbage"],
                                               deadline: 5, samples: 2).run()
        #expect(!garbage.ok)
        #expect(garbage.violations.contains { $0.contains("not JSON") })
        let version = await ConformanceChecker(command: [Repo.python, Repo.path("plugins/testing/misbehave.py"), "good"],
                                               deadline: 5, samples: 2).run()
        #expect(version.violations.contains { $0.contains("version negotiation") })
    }
}
