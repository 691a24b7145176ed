import Benchmark

/// A benchmark with committed thresholds (Thresholds/): `make bench-check` runs it
/// measuring malloc counts only and fails when its p90 exceeds the committed value
/// by more than `mallocTolerance`. Malloc counts are the same on any machine, busy or
/// idle, and from one run to the next (every sample of every guarded step so far);
/// wall time is measured too, for `make bench`, but never checked.
///
/// Each measured sample is one step (a tick, an allocation, an encoding) on state
/// built and warmed up beforehand, so a sample is a steady-state step: a step that
/// starts allocating per VM adds thousands at 10,000 VMs, a lost scratch buffer adds
/// one or more, and either fails the check. The number of samples is fixed, so the
/// same steps are measured in every run.
public enum GuardedBenchmark {
    /// What every guarded benchmark's name starts with; `make bench-check` selects by it.
    /// (package-benchmark 1.38.1 writes threshold files with spaces turned into `_`
    /// but looks them up by the name as written, so these names have no spaces.)
    public static let prefix = "guard-"

    /// Allocations a guarded step may gain before the check fails: none. A step
    /// that allocates less also stands out (`make bench-update-thresholds` records it).
    public static let mallocTolerance = 0

    /// Registers `prefix + name`: `setup` builds the state once, then each sample
    /// runs `prepare` unmeasured (a host's counters advancing) and `step` measured.
    public static func register<Rig>(
        _ name: String, samples: Int = 50,
        setup: @escaping () async throws -> Rig,
        prepare: @escaping (Rig) -> Void = { _ in },
        step: @escaping (Rig) async throws -> some Any
    ) {
        let configuration = Benchmark.Configuration(
            metrics: [.wallClock, .mallocCountTotal], timeUnits: .microseconds,
            warmupIterations: 2, maxDuration: .seconds(600), maxIterations: samples,
            thresholds: [.mallocCountTotal: BenchmarkThresholds(absolute: [.p90: mallocTolerance])])
        Benchmark(prefix + name, configuration: configuration) { (benchmark: Benchmark, rig: Rig) async throws in
            for _ in benchmark.scaledIterations {
                prepare(rig)
                benchmark.startMeasurement()
                blackHole(try await step(rig))
                benchmark.stopMeasurement()
            }
        } setup: {
            try await setup()
        }
    }
}
