import BallastCore
import FoundationEssentials

/// Runs a comparison: packs the traces onto hosts, simulates every host under
/// every policy (hosts in parallel, one task per host), and adds up the scores.
public enum Comparison {
    /// Ticks a run covers: the longest trace (or `duration`) at `tick` seconds.
    public static func tickCount(traces: [VMTrace], options: ComparisonOptions) -> Int {
        let duration = options.duration ?? (traces.map(\.duration).max() ?? 0)
        return max(1, Int((duration / options.tick).rounded(.down)) + 1)
    }

    /// Every policy on one host holding all `traces` (no packing), synchronously,
    /// on the calling thread: for benchmarks and small experiments.
    public static func runSingleHost(traces: [VMTrace], options: ComparisonOptions) -> [PolicyResult] {
        let run = HostRun(traces: traces, options: options, ticks: tickCount(traces: traces, options: options),
                          traceVMs: options.keepSeries)
        return options.policies.map { run.run($0) }
    }

    /// `progress(done, total)` is called as hosts finish.
    public static func run(traces: [VMTrace], options: ComparisonOptions,
                           progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> ComparisonOutcome {
        let start = Date()
        let ticks = tickCount(traces: traces, options: options)
        let hosts = HostPacker.pack(memories: traces.map(\.memory), hostMemory: options.host.memory,
                                    overcommit: options.overcommit, seed: options.seed)
        let parallelism = max(1, ProcessInfo.processInfo.activeProcessorCount)
        var perHost: [(Int, [PolicyResult])] = []
        await withTaskGroup(of: (Int, [PolicyResult]).self) { group in
            var next = 0
            func launch() {
                let index = next
                next += 1
                let hostTraces = hosts[index].map { traces[$0] }
                group.addTask {
                    let run = HostRun(traces: hostTraces, options: options, ticks: ticks, traceVMs: index == 0)
                    return (index, options.policies.map { run.run($0) })
                }
            }
            while next < min(parallelism, hosts.count) { launch() }
            while let result = await group.next() {
                perHost.append(result)
                progress(perHost.count, hosts.count)
                if next < hosts.count { launch() }
            }
        }
        perHost.sort { $0.0 < $1.0 }
        var merged: [PolicyResult] = options.policies.map {
            PolicyResult(policy: $0, card: Scorecard(), series: options.keepSeries ? TickSeries(ticks: ticks) : nil,
                         traced: [])
        }
        for (hostIndex, results) in perHost {
            for (policyIndex, result) in results.enumerated() {
                merged[policyIndex].card.merge(result.card)
                if let series = result.series { merged[policyIndex].series?.merge(series) }
                if hostIndex == 0 { merged[policyIndex].traced = result.traced }
            }
        }
        return ComparisonOutcome(policies: merged, vms: traces.count, ticks: ticks, hosts: hosts.count,
                                tick: options.tick, overcommit: options.overcommit, cpuModel: options.host.cpuModel,
                                seconds: Date().timeIntervalSince(start))
    }
}
