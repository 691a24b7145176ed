import BallastClient
import BallastCore
import BallastMetrics
import Benchmark
import DaemonWorkloads
import GuardedBenchmarks

/// `/metrics` rendering cost at 1,000 and 10,000 VMs (targets: under 2 ms and
/// under 20 ms in release; the 1,000-VM one is guarded by `make bench-check`), a
/// loopback round trip, and the per-tick cost of recording a report.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                           maxDuration: .seconds(5), maxIterations: 1000)

    GuardedBenchmark.register("render-metrics-1000-vms", setup: { RenderRig(vms: 1_000) }) { $0.render() }
    Benchmark("render /metrics, 10000 VMs") { benchmark, rig in
        for _ in benchmark.scaledIterations { blackHole(rig.render()) }
    } setup: {
        RenderRig(vms: 10_000)
    }

    let servedReport = MetricsFixture.report(vms: 1_000)
    Benchmark("GET /metrics over loopback, 1000 VMs, new connection each",
              configuration: .init(metrics: [.wallClock], maxDuration: .seconds(5), maxIterations: 2000)) { benchmark in
        let state = ObservabilityState(interval: 2)
        await state.record(report: servedReport, tickSeconds: 0.01, late: false)
        let server = MetricsServer(host: "127.0.0.1", port: 0, state: state)
        guard let port = try? await server.start() else { return }
        let url = "http://127.0.0.1:\(port)/metrics"
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try? await HTTPClient.request(url: url))
        }
        benchmark.stopMeasurement()
        await server.stop()
    }

    let report = MetricsFixture.report(vms: 10_000)
    Benchmark("record one tick, 10000 VMs") { benchmark in
        let state = ObservabilityState(interval: 2)
        await state.record(report: report, tickSeconds: 0.01, late: false)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            await state.record(report: report, tickSeconds: 0.01, late: false)
        }
        benchmark.stopMeasurement()
    }
}
