import Foundation
import Testing

/// `ballast run` balances libvirt unless the simulator is asked for by name: the
/// config's `connect` is obeyed, an unreachable libvirt is an error (exit 3 with
/// `--once`), never a quiet switch to invented VMs. libvirt's test driver stands in
/// for a host here; the real-guest suite runs the shipped unit's command line.
@Suite("ballast run: which backend")
struct BackendChoiceCLITests {
    private func config(connect: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-choice-\(UUID().uuidString).toml")
        try Data("listen = \"127.0.0.1:0\"\nconnect = \"\(connect)\"\n".utf8).write(to: file)
        return file
    }

    @Test func theConfigsConnectIsBalancedWithoutAnyBackendOption() throws {
        let file = try config(connect: "test:///default")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try ProcessRunner.run(try DaemonProcess.locateBinary(), ["run", "--config", file.path, "--once", "--no-table"])
        #expect(run.status == 0, "\(run.stderr)")
        let first = run.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains("balancing libvirt guests") && first.contains("uri=test:///default"), "\(run.stderr)")
        #expect(!run.stderr.contains("SIMULATED HOST"))
        #expect(!run.stdout.contains("steady-cache"), "the demo's VMs appeared: \(run.stdout)")
    }

    @Test func anUnreachableLibvirtExits3WithOnceAndNeverSimulates() throws {
        let file = try config(connect: "qemu+unix:///system?socket=/nonexistent/ballast-test.sock")
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try ProcessRunner.run(try DaemonProcess.locateBinary(), ["run", "--config", file.path, "--once", "--no-table"])
        #expect(run.status == 3, "\(run.stderr)")
        #expect(run.stderr.contains("/nonexistent/ballast-test.sock"), "\(run.stderr)")
        #expect(!run.stderr.contains("SIMULATED HOST"))
    }

    @Test func connectWithTheSimulatorIsRefused() throws {
        let run = try ProcessRunner.run(try DaemonProcess.locateBinary(),
                                        ["run", "--backend", "sim", "--connect", "qemu:///system", "--once"])
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains("--connect names a libvirt URI"), "\(run.stderr)")
    }
}
