import BallastCore
import BallastDaemon
@testable import BallastPlugins
import Testing

/// Plugins inside the real engine: a hanging plugin delays the tick by at most
/// its deadline (plus scheduling margin) and the previous proposal stands.
@Suite("plugins in the engine's tick", .serialized)
struct EngineIntegrationTests {
    struct FixedBackend: Backend {
        func sample() async throws -> HostSnapshot {
            let vms = (0..<4).map { index in
                VMSample(id: VMID(SyntheticSnapshot.uuid(index)), name: "vm-\(index)", state: .running,
                         spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(4)), maxVCPUs: 4),
                         current: VMAllocation(memory: .gibibytes(2), cpu: 2000, vcpus: 2, cpuWeight: .standard),
                         cpu: CPUCounters(usageNanos: 1_000_000), memory: MemoryCounters(rss: .gibibytes(1)))
            }
            return HostSnapshot(host: HostSample(time: 10, capacity: ResourceVector(cpu: 8000, memory: .gibibytes(32)),
                                                 memoryAvailable: .gibibytes(16)), vms: vms)
        }

        var shrinksReleaseAtOnce: Bool { true }
        func growthAwaitsRelease(_ awaiting: Bool) async {}

        func apply(_ changes: [Change]) async -> [ChangeResult] {
            changes.map { _ in .applied }
        }
    }

    @Test func aHangingPluginIsSkippedWithinItsDeadlineAndAGoodOneApplies() async throws {
        let hanging = try PluginStage(configuration: Plugins.misbehave("hang", deadline: 0.2))
        let good = try PluginStage(configuration: Plugins.misbehave("good", deadline: 2))
        try await hanging.start()
        try await good.start()
        let engine = BalancerEngine(backend: FixedBackend(), plugins: [hanging, good], settings: BalancerSettings())
        let clock = ContinuousClock()
        let started = clock.now
        let report = try await engine.tick()
        let elapsed = (clock.now - started).seconds
        #expect(elapsed < 0.2 + 2 + FaultTests.margin)
        #expect(report.stages.map(\.stage) == ["fair-share", "bad-hang", "bad-good"])
        #expect(report.stages[0].result == "ok")
        #expect(report.stages[1].result.hasPrefix("skipped"))
        #expect(report.stages[1].result.contains("no answer to decide within 200 ms"))
        #expect(report.stages[1].seconds < 0.2 + FaultTests.margin)
        #expect(report.stages[2].result == "ok")
        #expect(report.proposal.entries.first?.stage == "bad-good")
        await hanging.shutdown()
        await good.shutdown()
    }
}
