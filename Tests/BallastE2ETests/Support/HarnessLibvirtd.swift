import Foundation

/// The libvirtd that scripts/libvirt/up.sh started for the suite, for tests that kill it
/// and start it again. A libvirtd the harness did not start is never killed.
enum HarnessLibvirtd {
    /// SIGKILLs the harness's libvirtd; false (and nothing killed) when up.sh did not start it.
    static func kill() -> Bool {
        let pidText = try? String(contentsOfFile: HarnessPaths.libvirtdPidFile, encoding: .utf8)
        guard let pid = pidText.flatMap({ Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            return false
        }
        return Foundation.kill(pid, SIGKILL) == 0
    }

    /// Starts it again (up.sh is idempotent).
    static func start() async throws {
        try await Shell.run("bash", [HarnessPaths.upScript], timeout: 120).check()
    }
}
