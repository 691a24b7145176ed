import Foundation
@testable import BallastDaemon
import Testing

/// One balancer per libvirt between real processes: the built `ballast` against libvirt's
/// test driver (every libvirt URI is locked alike), the lock in a directory of the test's own.
@Suite("Balancer lock: two ballast processes")
struct BalancerLockProcessTests {
    @Test("a second ballast run on one libvirt exits 4 naming the first one's pid; a dry run runs beside it; kill -9 leaves no stale lock")
    func secondDaemonRefusesToStart() async throws {
        let directory = try BalancerLockTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let common = ["run", "--connect", "test:///default", "--lock-dir", directory, "--listen", "127.0.0.1:0", "--no-table"]
        let first = Process()
        first.executableURL = URL(fileURLWithPath: BallastBinary.path)
        first.arguments = common + ["--interval", "0.5"]
        first.standardInput = FileHandle.nullDevice
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        let pid = first.processIdentifier
        defer { if first.isRunning { kill(pid, SIGKILL) } }
        let lockPath = "\(directory)/\(BalancerLock.fileName(for: "test:///default"))"
        var written = ""
        for _ in 0..<600 where written != "\(pid)\n" && first.isRunning {
            try await Task.sleep(for: .milliseconds(100))
            written = (try? String(contentsOfFile: lockPath, encoding: .utf8)) ?? ""
        }
        try #require(written == "\(pid)\n", "the first daemon never wrote its pid into \(lockPath)")

        let second = try await BallastBinary.run(common + ["--once"])
        #expect(second.status == DaemonRunner.exitLockHeld, "\(second.stderr)")
        #expect(second.stderr.contains("pid \(pid)") && second.stderr.contains(lockPath), "\(second.stderr)")

        let dryRun = try await BallastBinary.run(common + ["--once", "--dry-run"])
        #expect(dryRun.status == 0, "a dry run must run beside a live daemon: \(dryRun.stderr)")

        kill(pid, SIGKILL)
        first.waitUntilExit()
        let after = try await BallastBinary.run(common + ["--once"])
        #expect(after.status == 0, "the lock of a killed daemon must be free: \(after.stderr)")
        #expect(after.stderr.contains("holding the balancer lock"), "\(after.stderr)")
    }
}
