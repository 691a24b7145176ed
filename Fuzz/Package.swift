// swift-tools-version: 6.1
import Foundation
import PackageDescription

/// SwiftPM names a path dependency after its folder, and a checkout may live in
/// any folder (CI clones into a fresh one), so the name is read from the path.
let ballastPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

/// Ballast's coverage-guided fuzz targets (docs/fuzzing.md), a package of their own so that
/// the main package never builds with the fuzzer's instrumentation. One executable per
/// parser of untrusted input; each is a libFuzzer binary (`-sanitize=fuzzer,address`,
/// passed with -Xswiftc by scripts/fuzz.sh (docs/fuzzing.md) so that every module, Ballast's libraries
/// included, is instrumented) whose entry point checks properties of what the parser
/// returns and traps when one fails.
let package = Package(
    name: "BallastFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        // The property check that traps (so that libFuzzer records the input) and input helpers.
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"], path: "Support"),
        // libFuzzer's driver called from the target's own main (SwiftPM gives every executable one).
        .target(name: "CFuzzDriver", path: "Driver"),
        fuzzTarget("FuzzJSON", ["BallastCore", "BallastPlugins"]),
        fuzzTarget("FuzzConfig", ["BallastDaemon"]),
        fuzzTarget("FuzzDomainXML", ["BallastCore", "BallastLibvirt"]),
        fuzzTarget("FuzzTraces", ["BallastSim"]),
        fuzzTarget("FuzzCgroups", ["BallastCore", "BallastCgroups"]),
    ],
    swiftLanguageModes: [.v6]
)

func fuzzTarget(_ name: String, _ products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: ballastPackage) } + extra,
        path: "Targets/\(name)"
    )
}
