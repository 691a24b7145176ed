import BallastCore
import Benchmark
import GuardedBenchmarks
import Workloads

/// Core hot paths: the allocator at growing sizes, one estimator update, and one
/// balancer tick (`TickCore.decide`: prepare + fair-share allocation + govern) at
/// 1,000 and 10,000 VMs (the engine actor around it: EngineBenchmarks). The `guard-`
/// benchmarks have committed malloc thresholds (`make bench-check`, docs/benchmarks.md).
/// The allocator also runs at 100,000 VMs: from 1,000 to 10,000 its working set
/// leaves a core's L2 cache, so the 10,000 → 100,000 step (both in L3) is the one
/// that shows how the algorithm itself scales.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal],
                                           maxDuration: .seconds(2))

    // As the simulator and the tick call it: scratch memory kept between calls.
    for count in [10, 100, 1_000, 100_000] {
        Benchmark("allocator \(count) VMs (contended)") { benchmark, rig in
            for _ in benchmark.scaledIterations { blackHole(rig.allocate()) }
        } setup: {
            AllocatorRig(vms: count)
        }
    }
    GuardedBenchmark.register("allocator-10000-vms", setup: { AllocatorRig(vms: 10_000) }) { $0.allocate() }

    Benchmark("estimator update 1000 VMs") { benchmark in
        var estimator = Estimator()
        var host = CoreWorkload.host(1_000)
        for vm in host.vms { _ = estimator.estimate(vm, at: host.host.time) }
        for _ in benchmark.scaledIterations {
            benchmark.stopMeasurement()
            CoreWorkload.advance(&host)
            benchmark.startMeasurement()
            for vm in host.vms { blackHole(estimator.estimate(vm, at: host.host.time)) }
        }
    }

    // prepare + allocate + govern; the 10,000-VM host lists its VMs out of id order, as libvirt does.
    GuardedBenchmark.register("tick-1000-vms", setup: { TickRig(vms: 1_000) }, prepare: { $0.advance() }) {
        $0.tick()
    }
    GuardedBenchmark.register("tick-10000-vms", setup: { TickRig(vms: 10_000, listing: .shuffled) },
                              prepare: { $0.advance() }) { $0.tick() }
}
