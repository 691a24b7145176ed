/// Which modules the Swift files of each target under `Sources/` may import: the arrows
/// of docs/architecture.md, written once here. A new target needs a row here and the
/// same row in docs/architecture.md's target table (a test compares the two).
enum ImportRules {
    /// Stands for the C library (`Glibc`, `Darwin` or `Musl`) in a row.
    static let cLibraryMarker = "libc"
    static let cLibrary: Set<String> = ["Glibc", "Darwin", "Musl"]
    /// The standard library's own modules, allowed everywhere and never listed in a row.
    static let standardLibrary: Set<String> = ["Swift", "_Concurrency", "_StringProcessing", "Synchronization"]

    /// Target → the modules it may import besides the standard library.
    static let rows: [String: Set<String>] = [
        // The loop's model and logic: no I/O, so nothing but the standard library.
        "BallastCore": [],
        "BallastSim": ["BallastCore", "FoundationEssentials", cLibraryMarker],
        "BallastCgroups": ["BallastCore", "SystemPackage", cLibraryMarker],
        "BallastLibvirt": ["BallastCore", "BallastCgroups", "CLibvirt", "CLibXML2", "NIOPosix", "Logging",
                           cLibraryMarker],
        "BallastPlugins": ["BallastCore", "CBallastSpawn", "NIOCore", "NIOPosix", "Logging", "Dispatch",
                           "FoundationEssentials", cLibraryMarker],
        "BallastMetrics": ["BallastCore", "CBallastMalloc", "NIOCore", "NIOPosix", "NIOHTTP1", "FoundationEssentials", cLibraryMarker],
        // Text and JSON logs and the decision log, for the daemon and the command line.
        "BallastLogging": ["BallastCore", "Logging", "FoundationEssentials", cLibraryMarker],
        // The command line's side of the endpoint: HTTP client, `status` table, `explain` text.
        "BallastClient": ["BallastCore", "BallastMetrics", "NIOCore", "NIOPosix", "NIOHTTP1", "FoundationEssentials",
                          cLibraryMarker],
        // The composition: which concrete backend `ballast run` builds.
        "BallastBackends": ["BallastCore", "BallastCgroups", "BallastSim", "BallastLibvirt", "Logging"],
        // The daemon knows backends only through BallastCore's `Backend` protocol.
        "BallastDaemon": ["BallastCore", "BallastPlugins", "BallastMetrics", "BallastLogging", "CBallastMalloc",
                          "Logging", "SystemPackage", "Dispatch", "FoundationEssentials", cLibraryMarker],
        // The read-only preflight: reuses the libvirt, cgroup and config readers.
        "BallastDoctor": ["BallastCore", "BallastCgroups", "BallastLibvirt", "BallastDaemon", "FoundationEssentials"],
        "ballast": ["BallastCore", "BallastBackends", "BallastDaemon", "BallastSim", "BallastPlugins",
                    "BallastClient", "BallastLogging", "BallastDoctor", "ArgumentParser", "Logging",
                    "FoundationEssentials", cLibraryMarker],
    ]

    /// Every module `target` may import, the standard library and the C library expanded.
    static func allowedModules(for target: String) -> Set<String>? {
        rows[target].map { row in
            standardLibrary.union(row.flatMap { $0 == cLibraryMarker ? cLibrary : [$0] })
        }
    }
}
