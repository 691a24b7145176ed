import BallastCore
import Foundation
import Logging
import Synchronization
import Testing
@testable import BallastLibvirt

/// Collects events for assertions.
final class CollectingSink: BalancerEventSink {
    let events = Mutex<[BalancerEvent]>([])
    func record(_ event: BalancerEvent) { events.withLock { $0.append(event) } }
    var snapshot: [BalancerEvent] { events.withLock { $0 } }
}

/// `LibvirtBackend` end to end on the test driver (host files from this machine).
extension TestDriverSuites {
@Suite(.serialized)
struct LibvirtBackendTestDriverTests {
    @Test func samplesTheHostAndTheTestDomain() async throws {
        let backend = LibvirtBackend(uri: "test:///default")
        let snapshot = try await backend.sample()
        #expect(snapshot.host.capacity.cpu >= 1000)
        #expect(snapshot.host.capacity.memory > 0)
        let vm = try #require(snapshot.vms.first { $0.name == "test" })
        #expect(vm.state == .running)
        #expect(vm.id == VMID("6695eb01-f6a4-8304-79aa-97f2502e193f"))
        #expect(vm.spec.ceiling.memory == UInt64(8_388_608) * 1024)
        #expect(vm.current.memory > 0)
        #expect(vm.cpu != nil)
        // The test driver has no cgroup on this host: said in the notes, not fatal.
        #expect(vm.sampleNotes.contains { $0.contains("cgroup") })
        await backend.shutdown()
    }

    /// The daemon shuts the backend down before it exits: the connection's thread has
    /// ended when `shutdown()` returns, and a sample afterwards fails instead of reconnecting.
    @Test func shutdownEndsTheConnectionsThreadAndLaterSamplesFail() async throws {
        let backend = LibvirtBackend(uri: "test:///default")
        _ = try await backend.sample()
        let task = try await backend.connection.threadTask()
        await backend.shutdown()
        #expect(ThreadTask.ends(task), "\(task) still there 2 s after shutdown returned")
        await #expect(throws: (any Error).self) { try await backend.sample() }
    }

    @Test func appliesWhatTheDriverAllowsAndReportsTheRest() async throws {
        let backend = LibvirtBackend(uri: "test:///default")
        let snapshot = try await backend.sample()
        let vm = try #require(snapshot.vms.first { $0.name == "test" })
        let half = vm.spec.ceiling.memory / 2
        let changes = [
            Change(vm: vm.id, vmName: vm.name, .memory(from: vm.current.memory, to: half), reason: "test"),
            Change(vm: vm.id, vmName: vm.name, .cpuWeight(from: .standard, to: CPUWeight(clamping: 2048)), reason: "test"),
            Change(vm: VMID("00000000-0000-0000-0000-000000000009"), vmName: "ghost", .memory(from: 1, to: 2),
                   reason: "test"),
        ]
        let applied = await backend.apply(changes)
        #expect(applied.count == changes.count)
        #expect(applied[0].outcome == .applied)
        guard case .failed(let message) = applied[1].outcome else {
            Issue.record("cpu_shares on the test driver should fail, got \(applied[1].outcome)")
            return
        }
        #expect(message.contains("virDomainSetSchedulerParametersFlags"))
        guard case .skipped(let why) = applied[2].outcome else {
            Issue.record("unknown domain should be skipped")
            return
        }
        #expect(why.contains("ghost"))
        let after = try await backend.sample()
        #expect(after.vms.first { $0.id == vm.id }?.current.memory == half)
        _ = await backend.apply([Change(vm: vm.id, vmName: vm.name, .memory(from: half, to: vm.current.memory),
                                        reason: "restore")])
        await backend.shutdown()
    }

    @Test func vcpuChangesSayWhichWayAndFallBackToACPIWithoutAnAgent() async throws {
        let backend = LibvirtBackend(uri: try HotplugTestNode.uri())
        let vm = try #require(try await backend.sample().vms.first { $0.name == HotplugTestNode.name })
        #expect(vm.current.vcpus == 1)
        #expect(vm.spec.vcpuHotplug)
        let raise = [Change(vm: vm.id, vmName: vm.name, .vcpus(from: 1, to: 2), reason: "busy")]
        let up = AppliedChanges(changes: raise, results: await backend.apply(raise))
        #expect(up.first?.outcome == .applied)
        #expect(up.first?.change.reason == "busy")
        #expect(up.first?.how == "added 1 by ACPI hot-plug")
        #expect(up.first?.explanation == "busy; added 1 by ACPI hot-plug")
        #expect(try await backend.sample().vms.first { $0.id == vm.id }?.current.vcpus == 2)

        // The test driver has no guest agent: lowering falls back to ACPI unplug and says why.
        let lower = [Change(vm: vm.id, vmName: vm.name, .vcpus(from: 2, to: 1), reason: "idle")]
        let down = AppliedChanges(changes: lower, results: await backend.apply(lower))
        #expect(down.first?.outcome == .applied)
        let reason = down.first?.explanation ?? ""
        #expect(reason.hasPrefix("idle; removed by ACPI unplug (the guest agent did not do it: "), "\(reason)")
        #expect(reason.contains("unsupported flags"), "\(reason)")
        #expect(try await backend.sample().vms.first { $0.id == vm.id }?.current.vcpus == 1)
        await backend.shutdown()
    }

    @Test func unreachableURIIsReportedOnceAndRetried() async throws {
        let sink = CollectingSink()
        let options = LibvirtBackendOptions(reconnectInitialDelay: 0, reconnectMaximumDelay: 0)
        let backend = LibvirtBackend(uri: "qemu+unix:///system?socket=/nonexistent/ballast.sock", events: sink,
                                     options: options)
        for _ in 0..<3 {
            await #expect(throws: (any Error).self) { _ = try await backend.sample() }
        }
        let downs = sink.snapshot.filter {
            if case .backendConnection(up: false, _) = $0 { return true }
            return false
        }
        #expect(downs.count == 1)
    }
}
}

/// A test-driver node with one running domain that allows vCPU hot-plug (1 of 3 vCPUs);
/// a `test:///<file>` connection has its own state, unlike `test:///default`.
enum HotplugTestNode {
    static let name = "hotplug"

    static func uri() throws -> String {
        let path = NSTemporaryDirectory() + "ballast-hotplug-node-\(getpid()).xml"
        try """
            <node>
              <domain type='test'>
                <name>\(name)</name>
                <uuid>2a0c58a6-7b1e-4d0a-9a55-2f3b1c9e0d11</uuid>
                <memory unit='MiB'>512</memory>
                <currentMemory unit='MiB'>512</currentMemory>
                <vcpu current='1'>3</vcpu>
                <os><type arch='x86_64'>hvm</type></os>
              </domain>
            </node>
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return "test://" + path
    }
}
