import BallastCore
import BallastSim
import Benchmark

/// Simulator costs: one full simulated tick at 1,000 VMs (host step and
/// observation alone, and with Ballast's estimate-allocate-govern on top), and
/// the simulator's throughput in VM-ticks per second (one host, 1,000 VMs,
/// 100 ticks per iteration, so VM-ticks/s = 100,000 × iterations/s).
let benchmarks: @Sendable () -> Void = {
    let scenario = (try? NamedScenarios.named("mixed", seed: 1, vms: 1000))
    let traces = scenario?.traces(seed: 1) ?? []
    let vms = traces.map(SimulatedVM.init(trace:))
    let config = HostConfig(cpus: 256, memory: .gibibytes(4096))
    var cursors = [Int](repeating: 0, count: traces.count)
    var cpu = [Double](repeating: 0, count: traces.count)
    var memory = cpu
    for index in traces.indices {
        let demand = traces[index].demand(at: 3600, cursor: &cursors[index])
        cpu[index] = demand.cpu
        memory[index] = demand.memory
    }
    let tickConfiguration = Benchmark.Configuration(metrics: [.wallClock, .throughput, .mallocCountTotal],
                                                    timeUnits: .microseconds, maxDuration: .seconds(5))

    Benchmark("simulated tick, 1,000 VMs: host step + observe", configuration: tickConfiguration) { benchmark in
        var host = SimulatedHost(config: config, vms: vms)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            host.step(cpuDemand: cpu, memoryDemand: memory, seconds: 10)
            blackHole(host.observe())
        }
    }

    Benchmark("simulated tick, 1,000 VMs: step + observe + Ballast policy + apply", configuration: tickConfiguration) { benchmark in
        var host = SimulatedHost(config: config, vms: vms)
        var policy = BallastPolicy(settings: BalancerSettings(interval: 10))
        var observed = host.observe()
        host.step(cpuDemand: cpu, memoryDemand: memory, seconds: 10)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            host.observe(into: &observed)   // as the simulator's loop does
            let wanted = policy.decide(observed)
            for (index, allocation) in wanted.enumerated() { host.apply(allocation, at: index) }
            host.step(cpuDemand: cpu, memoryDemand: memory, seconds: 10)
        }
    }

    for policy in [PolicyKind.static, .oracle, .ballast] {
        Benchmark("simulator throughput, \(policy.rawValue) policy, 100,000 VM-ticks per iteration",
                  configuration: .init(metrics: [.wallClock, .throughput], timeUnits: .milliseconds,
                                       maxDuration: .seconds(10), maxIterations: 50)) { benchmark in
            let options = ComparisonOptions(host: config, policies: [policy], tick: 10, duration: 990)
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                blackHole(Comparison.runSingleHost(traces: traces, options: options))
            }
        }
    }
}
