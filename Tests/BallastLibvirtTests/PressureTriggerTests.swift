import BallastCgroups
import BallastCore
import Foundation
import Testing
@testable import BallastLibvirt

/// PSI triggers: a file that refuses one is reported with the reason; the host's
/// /proc/pressure/memory takes one where the kernel has PSI and Ballast may write it.
@Suite("Pressure triggers")
struct PressureTriggerTests {
    static var hostTakesTriggers: Bool {
        FileManager.default.isWritableFile(atPath: "/proc/pressure/memory")
    }

    @Test func aFixtureFileIsNotAKernelPressureFile() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-psi-\(UUID().uuidString)")
        let directory = root.appendingPathComponent("sys/fs/cgroup/machine.slice/vm")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
            .write(to: directory.appendingPathComponent("memory.pressure"), atomically: true, encoding: .utf8)
        let path = "/sys/fs/cgroup/machine.slice/vm/memory.pressure"
        let result = PressureTrigger.arm(path: path, root: root.path, stall: 100_000, window: 1_000_000)
        guard case .failure(let error) = result else {
            Issue.record("a trigger was armed on a plain file")
            return
        }
        #expect(error.description.hasPrefix("trigger not supported: \(path): not a kernel pressure file"))
    }

    @Test func aMissingFileSaysWhy() {
        let result = PressureTrigger.arm(path: "/nonexistent/memory.pressure", stall: 100_000, window: 1_000_000)
        guard case .failure(let error) = result else {
            Issue.record("a trigger was armed on a missing file")
            return
        }
        #expect(error.reason.contains("no such file"))
    }

    @Test(.enabled(if: PressureTriggerTests.hostTakesTriggers))
    func theHostMemoryPressureFileTakesATriggerAndTheWatcherWatchesIt() throws {
        let trigger = try PressureTrigger.arm(path: "/proc/pressure/memory", stall: 150_000, window: 2_000_000).get()
        let watcher = try #require(PressureTriggerWatcher { _ in })
        watcher.add(trigger)
        #expect(watcher.paths == ["/proc/pressure/memory"])
        watcher.remove(path: "/proc/pressure/memory")
        #expect(watcher.paths.isEmpty)
        watcher.stop()
    }

    @Test(.enabled(if: PressureTriggerTests.hostTakesTriggers))
    func aStallLongerThanTheWindowIsRefusedByTheKernelWithTheReason() {
        let result = PressureTrigger.arm(path: "/proc/pressure/memory", stall: 3_000_000, window: 2_000_000)
        guard case .failure(let error) = result else {
            Issue.record("the kernel took a stall longer than its window")
            return
        }
        #expect(error.reason.contains("refused"))
    }
}
