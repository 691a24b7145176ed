// swift-tools-version: 6.1
import PackageDescription

/// Ballast: a host-local VM resource balancer. Library targets hold the logic; the
/// `ballast` executable is a thin command-line front. See README.md and docs/.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // A member is visible only where its module is imported, so no file can reach
    // Foundation through a dependency's import (the daemon links FoundationEssentials only).
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// How the release `ballast` is linked on Linux (docs/observability.md, "Ballast's own
/// memory"): relative relocations packed (DT_RELR: the loader no longer reads 2 MB of
/// them; needs glibc 2.36, as in Debian 12) and only the symbols that shared libraries
/// need exported. GNU ld, because gold cannot pack relocations. `make release` adds
/// `--static-swift-stdlib` (it must reach the compiler too, so it is not here).
let releaseDaemonLinkFlags = [
    "-use-ld=bfd",
    "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
    "-Xlinker", "--no-export-dynamic",
]

let package = Package(
    name: "Ballast",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ballast", targets: ["ballast"]),
        .library(name: "BallastCore", targets: ["BallastCore"]),
        .library(name: "BallastSim", targets: ["BallastSim"]),
        .library(name: "BallastCgroups", targets: ["BallastCgroups"]),
        .library(name: "BallastLibvirt", targets: ["BallastLibvirt"]),
        .library(name: "BallastPlugins", targets: ["BallastPlugins"]),
        .library(name: "BallastLogging", targets: ["BallastLogging"]),
        .library(name: "BallastMetrics", targets: ["BallastMetrics"]),
        .library(name: "BallastClient", targets: ["BallastClient"]),
        .library(name: "BallastDaemon", targets: ["BallastDaemon"]),
        .library(name: "BallastBackends", targets: ["BallastBackends"]),
        .library(name: "BallastDoctor", targets: ["BallastDoctor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        // Model, estimator, allocator, governor, engine, config model. No I/O.
        .target(name: "BallastCore", swiftSettings: strictSettings),
        // Simulated hypervisor, trace loaders, scenarios, scoring, baseline policies.
        .target(name: "BallastSim", dependencies: ["BallastCore"], swiftSettings: strictSettings),
        // cgroup v1/v2 and /proc readers and writers.
        .target(
            name: "BallastCgroups",
            dependencies: ["BallastCore", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: strictSettings
        ),
        // libvirt C API through pkg-config.
        .systemLibrary(
            name: "CLibvirt",
            pkgConfig: "libvirt",
            providers: [.apt(["libvirt-dev"])]
        ),
        // libxml2 (libvirt's own XML library) for reading domain XML without Foundation.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // Swift layer over libvirt: dedicated thread (a one-thread NIOThreadPool), bulk
        // stats, actuators, domain XML.
        .target(
            name: "BallastLibvirt",
            dependencies: ["CLibvirt", "CLibXML2", "BallastCore", "BallastCgroups",
                           .product(name: "NIOPosix", package: "swift-nio"),
                           .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // GNU spawn extensions (pipe2, addchdir) for the plugin supervisor.
        .target(name: "CBallastSpawn"),
        // glibc allocator settings for the daemon (mallopt is not visible from Swift's Glibc module).
        .target(name: "CBallastMalloc"),
        // Plugin protocol (NDJSON JSON-RPC 2.0) and the process supervisor.
        .target(
            name: "BallastPlugins",
            dependencies: [
                "BallastCore", "CBallastSpawn",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Log output for the daemon and the CLI: text or JSON lines on standard error,
        // and the decision log's one line per change.
        .target(
            name: "BallastLogging",
            dependencies: ["BallastCore", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Prometheus text rendering, the HTTP endpoint and the state it serves.
        .target(
            name: "BallastMetrics",
            dependencies: [
                "BallastCore", "CBallastMalloc",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The command line's side of the endpoint: an HTTP client for a running daemon,
        // the `status` table and the `explain` text.
        .target(
            name: "BallastClient",
            dependencies: [
                "BallastCore", "BallastMetrics",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // Wiring: config loading, the daemon loop, lifecycle and signals. Knows backends
        // only through BallastCore's `Backend` protocol.
        .target(
            name: "BallastDaemon",
            dependencies: [
                "BallastCore", "BallastPlugins", "BallastMetrics", "BallastLogging", "CBallastMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strictSettings
        ),
        // Composition: which concrete backend `ballast run` builds (libvirt or the simulator).
        .target(
            name: "BallastBackends",
            dependencies: ["BallastCore", "BallastCgroups", "BallastSim", "BallastLibvirt", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // `ballast doctor`: the read-only preflight of the host and every domain.
        .target(
            name: "BallastDoctor",
            dependencies: ["BallastCore", "BallastCgroups", "BallastLibvirt", "BallastDaemon"],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ballast",
            dependencies: [
                "BallastCore", "BallastDaemon", "BallastBackends", "BallastSim", "BallastPlugins",
                "BallastClient", "BallastLogging", "BallastDoctor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings,
            linkerSettings: [.unsafeFlags(releaseDaemonLinkFlags, .when(platforms: [.linux], configuration: .release))]
        ),
        .testTarget(
            name: "BallastCoreTests",
            dependencies: ["BallastCore", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "BallastSimTests", dependencies: ["BallastSim"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BallastCgroupsTests", dependencies: ["BallastCgroups"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "BallastLibvirtTests",
            dependencies: ["BallastLibvirt", "BallastTestFixtures", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "BallastPluginsTests", dependencies: ["BallastPlugins", "BallastDaemon"]),
        // Synthetic tick reports and a clock moved by hand, shared by the tests of the
        // targets that render, log or print a tick.
        .target(
            name: "BallastTestFixtures",
            dependencies: ["BallastCore", "BallastMetrics"],
            path: "Tests/BallastTestFixtures"
        ),
        .testTarget(name: "BallastLoggingTests", dependencies: ["BallastLogging", "BallastTestFixtures"]),
        .testTarget(
            name: "BallastMetricsTests",
            dependencies: ["BallastMetrics", "BallastClient", "BallastTestFixtures",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(
            name: "BallastClientTests",
            dependencies: ["BallastClient", "BallastTestFixtures",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")]
        ),
        .testTarget(name: "BallastDaemonTests", dependencies: ["BallastDaemon", "BallastTestFixtures"]),
        .testTarget(name: "BallastBackendsTests", dependencies: ["BallastBackends"]),
        .testTarget(
            name: "BallastDoctorTests",
            dependencies: ["BallastDoctor", "BallastLibvirt", "BallastCgroups", "BallastCore", "BallastDaemon"]
        ),
        // Reads Sources/ and Package.swift: every target imports only what docs/architecture.md allows.
        .testTarget(name: "BallastArchitectureTests", dependencies: []),
        // Real libvirtd + QEMU guests; drives `ballast` and `virsh` as subprocesses
        // (docs/real-guests.md). Run alone with `make e2e`.
        .testTarget(name: "BallastE2ETests", dependencies: ["BallastTestFixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
