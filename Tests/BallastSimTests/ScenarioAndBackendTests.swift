import BallastCore
import Testing
@testable import BallastSim

@Suite struct ScenarioAndBackendTests {
    @Test func demoScenarioContendsWithinAMinute() throws {
        let scenario = try NamedScenarios.named("demo", seed: 1)
        let traces = scenario.traces(seed: 1)
        #expect(traces.count == 8)
        let configured = traces.reduce(0.0) { $0 + Double($1.memory) }
        #expect(configured / Double(scenario.host.memory) == scenario.overcommit)
        let firstMinute = traces[0].times.indices.filter { traces[0].times[$0] <= 60 }
        let contended = firstMinute.contains { index in
            traces.reduce(0.0) { $0 + $1.memoryDemand[index] } > Double(scenario.host.memory)
        }
        #expect(contended)
    }

    @Test func shapesBehaveAsNamed() {
        let times = (0..<10).map { Double($0) * 10 }
        #expect(DemandShape.leak(start: 1, perSecond: 0.1, cap: 5).sample(at: times, seed: 0).last == 5)
        #expect(DemandShape.steps(levels: [1, 2], every: 30).sample(at: times, seed: 0) == [1, 1, 1, 2, 2, 2, 1, 1, 1, 2])
        let bursts = DemandShape.bursts(base: 1, peak: 9, meanGap: 20, length: 10).sample(at: times, seed: 4)
        #expect(Set(bursts).isSubset(of: [1, 9]) && bursts.contains(9))
        #expect(DemandShape.bursts(base: 1, peak: 9, meanGap: 20, length: 10).sample(at: times, seed: 4) == bursts)
    }

    @Test func unknownScenarioNamesTheKnownOnes() {
        do {
            _ = try NamedScenarios.named("nope", seed: 1)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("demo"))
        }
    }

    @Test func backendSamplesAdvanceTimeAndApplyChanges() async throws {
        let backend = SimulatedBackend(scenario: try NamedScenarios.named("demo", seed: 1), seed: 1)
        let first = try await backend.sample()
        #expect(first.host.time == 2)
        #expect(first.vms.count == 8)
        let vm = first.vms[0]
        let change = Change(vm: vm.id, vmName: vm.name, .memory(from: vm.current.memory, to: ByteUnits.gibibyte),
                            reason: "test")
        let bogus = Change(vm: VMID("00000000-0000-0000-0000-000000000000"), vmName: "ghost", .memory(from: 0, to: 1),
                           reason: "test")
        let applied = await backend.apply([change, bogus])
        #expect(applied.map(\.outcome.label) == ["applied", "failed"])
        let second = try await backend.sample()
        #expect(second.host.time == 4)
        #expect(second.vms[0].current.memory == ByteUnits.gibibyte)
        #expect(second.vms[0].memory.balloon?.available == ByteUnits.gibibyte)
        #expect(backend.trueDemand().count == 8)
    }

    /// `run --loop`: a trace of three 10-s samples repeats every 30 s (its last
    /// sample plus one step); without the loop its last value holds.
    @Test func loopReplaysTheTraceFromItsStart() async throws {
        let trace = VMTrace(name: "looped", vcpus: 4, memory: 4 * ByteUnits.gibibyte, times: [0, 10, 20],
                            cpu: [1000, 2000, 3000], memoryDemand: [1e9, 2e9, 3e9])
        #expect(VMTrace.replayPeriod(of: [trace]) == 30)
        func cpuPerTick(loop: Bool) async throws -> [Int] {
            let backend = SimulatedBackend(traces: [trace], host: HostConfig(), tick: 10, loop: loop)
            var cpu: [Int] = []
            for _ in 0..<7 {
                _ = try await backend.sample()
                cpu.append(backend.trueDemand().values.first?.cpu ?? -1)
            }
            #expect(backend.time == 70, "the host's clock goes on through the loop")
            return cpu
        }
        #expect(try await cpuPerTick(loop: true) == [1000, 2000, 3000, 1000, 2000, 3000, 1000])
        #expect(try await cpuPerTick(loop: false) == [1000, 2000, 3000, 3000, 3000, 3000, 3000])
    }
}
