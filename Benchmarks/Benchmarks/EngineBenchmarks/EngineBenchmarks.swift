import Benchmark
import DaemonWorkloads
import GuardedBenchmarks

/// The daemon's whole tick at 10,000 VMs: `BalancerEngine.tick()` (sample, the tick
/// core's prepare + allocate + govern, the engine's bookkeeping, apply) through a
/// backend that returns an in-memory sample, the VMs listed out of id order as
/// libvirt lists them. Guarded by `make bench-check` (docs/benchmarks.md), which
/// also holds its wall time beside 7a1e0ee's (Benchmarks/side-by-side.py).
let benchmarks: @Sendable () -> Void = {
    GuardedBenchmark.register("engine-tick-10000-vms", setup: { try await EngineRig(vms: 10_000) },
                              prepare: { $0.advance() }) { try await $0.tick() }
}
