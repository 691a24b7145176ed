import BallastBackends
import BallastCore
import BallastSim
import Foundation
import Logging
import Testing

/// The composition `ballast run` hands the daemon: a choice builds its concrete backend,
/// and an unusable simulator input fails with what to do about it.
struct BackendChoiceTests {
    let logger = Logger(label: "test")

    @Test func aScenarioBuildsASimulatedHostThatSamples() async throws {
        let choice = BackendChoice.simulator(SimulatorSource(input: .scenario("demo"), tick: 2))
        let backend = try choice.make(events: DiscardingEventSink(), logger: logger)
        #expect(backend is SimulatedBackend)
        let snapshot = try await backend.sample()
        #expect(!snapshot.vms.isEmpty)
    }

    @Test func anUnknownScenarioIsNamedWithTheKnownOnes() {
        let choice = BackendChoice.simulator(SimulatorSource(input: .scenario("nope"), tick: 2))
        #expect {
            _ = try choice.make(events: DiscardingEventSink(), logger: logger)
        } throws: { error in
            "\(error)".contains("nope") && NamedScenarios.names.allSatisfy { "\(error)".contains($0) }
        }
    }

    @Test func aTraceOfUnknownFormatAsksForTheFormat() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-\(UUID().uuidString).txt")
        try "not a trace\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let choice = BackendChoice.simulator(
            SimulatorSource(input: .trace(path: file.path, format: nil, vms: nil), tick: 2))
        let error = #expect(throws: SimulatorSourceError.self) {
            _ = try choice.make(events: DiscardingEventSink(), logger: logger)
        }
        #expect(error?.description.contains("--format") == true)
    }
}
