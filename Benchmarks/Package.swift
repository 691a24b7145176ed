// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, and a checkout may live in
/// any folder (CI clones into a fresh one), so the name is read from the path.
let ballastPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// Ballast's benchmarks, a package of their own so that `make test` never builds
/// package-benchmark. Run with `make bench` (release build, medians reported).
let package = Package(
    name: "BallastBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        benchmark("CoreBenchmarks", ["BallastCore"]),
        benchmark("SimBenchmarks", ["BallastCore", "BallastSim"]),
        benchmark("SamplingBenchmarks", ["BallastCore", "BallastCgroups", "BallastLibvirt"]),
        benchmark("PluginBenchmarks", ["BallastCore", "BallastPlugins"]),
        benchmark("MetricsBenchmarks", ["BallastCore", "BallastMetrics", "BallastClient"]),
    ]
)

func benchmark(_ name: String, _ products: [String]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")]
            + products.map { .product(name: $0, package: ballastPackage) },
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
