import BallastCore
import Foundation
import Testing
@testable import BallastCgroups

/// cgroup v1 against this machine's real kernel: a group laid out like
/// libvirt's (`<group>/vcpu0` under the cpu controller), a busy child process in
/// the vCPU group with a CFS quota, and the reader's view of usage and
/// throttling. Runs where the v1 cpu and cpuacct controllers are writable (root).
@Suite(.enabled(if: WritableCgroupV1.available, "needs writable cgroup v1 cpu and cpuacct controllers"))
struct CgroupV1KernelTests {
    @Test func readsUsageAndThrottlingOfABusyThrottledProcess() throws {
        let layout = try CgroupLayout.detect(in: RootedFileSystem.host)
        let name = "ballast-test-\(getpid())"
        let controllers = ["cpu", "cpuacct", "memory"].compactMap { controller in
            layout.mount(for: controller).map { (controller, "\($0)/\(name)") }
        }
        let vcpuGroup = "\(try #require(layout.mount(for: "cpu")))/\(name)/vcpu0"
        defer {
            rmdir(vcpuGroup)
            for (_, dir) in controllers { rmdir(dir) }
        }
        for (_, dir) in controllers { #expect(mkdir(dir, 0o755) == 0 || errno == EEXIST) }
        #expect(mkdir(vcpuGroup, 0o755) == 0)
        try write("100000", to: "\(vcpuGroup)/cpu.cfs_period_us")
        try write("10000", to: "\(vcpuGroup)/cpu.cfs_quota_us") // 10 % of a core

        let child = try #require(BusyProcess.spawn())
        defer { BusyProcess.stop(child) }
        let pid = String(child)
        try write(pid, to: "\(vcpuGroup)/tasks")
        let cpuacct = try #require(controllers.first { $0.0 == "cpuacct" }?.1)
        try write(pid, to: "\(cpuacct)/tasks")
        Thread.sleep(forTimeInterval: 1.0) // let the scheduler run and throttle it for ~10 periods

        let group = MachineCgroup(version: .v1, directories: Dictionary(uniqueKeysWithValues: controllers),
                                  relativePath: name)
        let sample = CgroupReader(fileSystem: RootedFileSystem.host).read(group)
        #expect(sample.notes.isEmpty, "\(sample.notes)")
        #expect((sample.cpu.usageNanos ?? 0) > 0)
        #expect((sample.cpu.periods ?? 0) > 0)
        #expect((sample.cpu.throttledPeriods ?? 0) > 0)
        #expect((sample.cpu.throttledNanos ?? 0) > 0)
        #expect(sample.memory.usage != nil)
        #expect(sample.cpuPressure == nil) // v1 has no per-cgroup PSI

        // Move the process back to the root groups so the directories can be removed.
        try write(pid, to: "\(try #require(layout.mount(for: "cpu")))/tasks")
        try write(pid, to: "\(try #require(layout.mount(for: "cpuacct")))/tasks")
    }

    @Test func detectsThisHostsLayout() throws {
        let layout = try CgroupLayout.detect(in: RootedFileSystem.host)
        #expect(layout.version == .v1)
        #expect(layout.mount(for: "cpu") != nil)
        let host = try HostReader().read()
        #expect(host.onlineCPUs >= 1)
        #expect(host.memoryTotal > host.memoryAvailable)
    }

    private func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}

/// Whether this host has cgroup v1 cpu and cpuacct controllers this process may write.
enum WritableCgroupV1 {
    static var available: Bool {
        guard let layout = try? CgroupLayout.detect(in: RootedFileSystem.host), layout.version == .v1,
              let cpu = layout.mount(for: "cpu"), let cpuacct = layout.mount(for: "cpuacct") else { return false }
        return access(cpu, W_OK) == 0 && access(cpuacct, W_OK) == 0
    }
}

/// A shell busy loop as a child process (posix_spawn, so no run loop is involved).
enum BusyProcess {
    static func spawn() -> pid_t? {
        var pid: pid_t = 0
        let arguments = ["/bin/sh", "-c", "while :; do :; done"]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let status = posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ)
        return status == 0 ? pid : nil
    }

    static func stop(_ pid: pid_t) {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }
}
