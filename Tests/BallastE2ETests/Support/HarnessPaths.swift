import Foundation

/// Where the harness scripts, their state and the `ballast` binary are. Overridable
/// with BALLAST_E2E_STATE, BALLAST_E2E_URI and BALLAST_BIN, as the scripts are.
enum HarnessPaths {
    static let environment = ProcessInfo.processInfo.environment

    /// The repository root: this file is Tests/BallastE2ETests/Support/HarnessPaths.swift.
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let upScript = repositoryRoot.appendingPathComponent("scripts/libvirt/up.sh").path
    static let downScript = repositoryRoot.appendingPathComponent("scripts/libvirt/down.sh").path
    static let buildGuestScript = repositoryRoot.appendingPathComponent("guest/build.sh").path
    static let guestScript = repositoryRoot.appendingPathComponent("guest/guest.sh").path
    static let buildNoBalloonScript = repositoryRoot.appendingPathComponent("guest/build-noballoon.sh").path

    static let stateDirectory = environment["BALLAST_E2E_STATE"] ?? "/var/tmp/ballast-e2e"
    static let uri = environment["BALLAST_E2E_URI"] ?? "qemu:///system"
    /// Which leftover guests the suite removes before and after (see RealGuestsTrait).
    static let cleanupPrefix = environment["BALLAST_E2E_CLEANUP_PREFIX"] ?? "ballast-e2e-"
    static let ballastBinary = environment["BALLAST_BIN"]
        ?? repositoryRoot.appendingPathComponent(".build/debug/ballast").path

    /// The pid file up.sh writes when it started libvirtd itself.
    static let libvirtdPidFile = "\(stateDirectory)/daemons/libvirtd.pid"

    static func serialLog(_ guest: String) -> String { "\(stateDirectory)/serial/\(guest).log" }

    /// A per-run scratch directory for configs and daemon logs.
    static func runDirectory(_ name: String) throws -> String {
        let path = "\(stateDirectory)/runs/\(name)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
