// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, and a checkout may live in
/// any folder (CI clones into a fresh one), so the name is read from the path.
let ballastPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// Ballast's benchmarks, a package of their own so that the main package never builds
/// package-benchmark. `make bench` runs them all (release build, medians reported);
/// `make bench-check` checks the guarded ones against the committed thresholds in
/// Thresholds/ (docs/benchmarks.md).
///
/// The workloads (inputs and the calls into Ballast) live in two libraries, shared by
/// the benchmarks and by the instruction counters that guard.py runs under callgrind
/// (this machine has no hardware counters for package-benchmark's `.instructions`):
/// `Workloads` needs only BallastCore (the cheap check, part of `make test`, builds
/// nothing else); `DaemonWorkloads` adds the engine actor, the plugin encoder and the
/// /metrics render (BallastDaemon, BallastPlugins, BallastMetrics and SwiftNIO).
let package = Package(
    name: "BallastBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .target(name: "Workloads", dependencies: ballast(["BallastCore"]), path: "Workloads"),
        .target(name: "DaemonWorkloads",
                dependencies: ["Workloads"] + ballast(["BallastCore", "BallastPlugins", "BallastMetrics", "BallastDaemon"]),
                path: "DaemonWorkloads"),
        // The configuration and registration of the benchmarks `make bench-check` guards.
        .target(name: "GuardedBenchmarks", dependencies: [.product(name: "Benchmark", package: "benchmark")],
                path: "GuardedBenchmarks"),
        // Callgrind's client requests (valgrind's header) and the counters' common main.
        .target(name: "CCallgrind", path: "CCallgrind"),
        .target(name: "InstructionCounting", dependencies: ["CCallgrind"], path: "InstructionCounting"),
        // Not under Benchmarks/Benchmarks/: package-benchmark would take them for benchmarks.
        .executableTarget(name: "InstructionCounts", dependencies: ["InstructionCounting", "Workloads"],
                          path: "InstructionCounts"),
        .executableTarget(name: "DaemonInstructionCounts", dependencies: ["InstructionCounting", "DaemonWorkloads"],
                          path: "DaemonInstructionCounts"),
        benchmark("CoreBenchmarks", ["BallastCore"], using: ["GuardedBenchmarks", "Workloads"]),
        benchmark("EngineBenchmarks", [], using: ["GuardedBenchmarks", "DaemonWorkloads"]),
        benchmark("SimBenchmarks", ["BallastCore", "BallastSim"]),
        benchmark("SamplingBenchmarks", ["BallastCore", "BallastCgroups", "BallastLibvirt"]),
        benchmark("PluginBenchmarks", ["BallastCore", "BallastPlugins"], using: ["GuardedBenchmarks", "DaemonWorkloads"]),
        benchmark("MetricsBenchmarks", ["BallastCore", "BallastMetrics", "BallastClient"], using: ["GuardedBenchmarks", "DaemonWorkloads"]),
    ]
)

func ballast(_ products: [String]) -> [Target.Dependency] {
    products.map { .product(name: $0, package: ballastPackage) }
}

func benchmark(_ name: String, _ products: [String], using libraries: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + libraries + ballast(products),
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
