import BallastBackends
import BallastCore
import BallastSim
import Testing

/// Issue 10's symptom for `run --backend sim --trace`: on a host too small for the
/// trace, the first tick changes every VM and no later tick changes anything. On a
/// host sized by `--overcommit`, the balancer keeps following demand tick after tick.
struct TraceReplayTests {
    @Test func aManyVMTraceAtOvercommit4KeepsChangingAfterTheFirstTicks() async throws {
        let tick = 2.0
        let source = SimulatorSource(input: .trace(path: TracePaths.gcd, format: .gcd, vms: 500), tick: tick,
                                     hostSize: .overcommit(4, cpus: nil))
        let prepared = try await OwnThread.run { try source.prepare() }
        #expect(prepared.vms == 500)
        var core = TickCore(settings: BalancerSettings(interval: tick))
        var changesPerTick: [Int] = []
        for _ in 0..<10 {
            let decided = core.decide(try await prepared.backend.sample())
            changesPerTick.append(decided.decision.changes.count)
            _ = await prepared.backend.apply(decided.decision.changes)
            await Task.yield()
        }
        let later = changesPerTick.dropFirst(3)
        #expect(later.filter { $0 > 0 }.count >= 5, "ticks 4 to 10 keep changing allocations: \(changesPerTick)")
        #expect(later.allSatisfy { $0 < prepared.vms }, "later ticks adjust some VMs, not all: \(changesPerTick)")
    }
}
