import BallastCore
import Testing
@testable import BallastSim

/// `ballast` (CPU shares as weights) beside `ballast-quota` (shares as caps), the
/// memory-only peers (no CPU cap) and `static` (the static caps) on one host.
@Suite("CPU shares: weights or quotas, in the simulator")
struct CPUEnforcementComparisonTests {
    /// Two VMs trade places every five minutes: one wants 3 cores while the other wants
    /// half a core. The host has 4 cores, so both always fit; only a cap at the share the
    /// last tick computed makes the rising VM fall short.
    @Test func capsAtTheLastShareFallShortWhereWeightsDoNot() throws {
        let times = (0..<60).map { Double($0) * 60 }
        func demand(_ phase: Int) -> [Double] { times.indices.map { ($0 / 5 + phase) % 2 == 0 ? 3000 : 500 } }
        let memory = times.map { _ in Double(UInt64.gibibytes(1)) }
        let traces = [
            VMTrace(name: "a", vcpus: 4, memory: .gibibytes(4), times: times, cpu: demand(0), memoryDemand: memory),
            VMTrace(name: "b", vcpus: 4, memory: .gibibytes(4), times: times, cpu: demand(1), memoryDemand: memory),
        ]
        var options = ComparisonOptions(host: HostConfig(cpus: 4, memory: .gibibytes(16)), overcommit: 1, tick: 60)
        options.policies = [.ballast, .ballastQuota, .oracle, .mom, .proxmox, .static]
        let results = Dictionary(uniqueKeysWithValues: Comparison.runSingleHost(traces: traces, options: options)
            .map { ($0.policy, $0.card) })
        let weight = try #require(results[PolicyKind.ballast])
        let quota = try #require(results[PolicyKind.ballastQuota])
        // By weight, only the first tick falls short: every policy starts capped at the
        // static point (2 cores each), 1 core short of 3.5 wanted, 1/210 of all demand.
        #expect(abs(weight.cpuShortfall - 1.0 / 210) < 1e-9, "ballast: \(weight.cpuShortfall)")
        #expect(quota.cpuShortfall > 5 * weight.cpuShortfall, "ballast-quota: \(quota.cpuShortfall)")
        #expect(results[.oracle]?.cpuShortfall == 0)
        // The memory-only peers set no CPU cap, as on a real host: only their first tick,
        // at the static point, is short. Static keeps its caps (2 cores each) throughout.
        #expect(results[.mom]?.cpuShortfall == weight.cpuShortfall)
        #expect(results[.proxmox]?.cpuShortfall == weight.cpuShortfall)
        #expect(try #require(results[.static]?.cpuShortfall) > 5 * weight.cpuShortfall)
        #expect(weight.memoryShortfall == quota.memoryShortfall)
    }
}
