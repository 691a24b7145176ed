import BallastCgroups
import BallastCore
import CLibvirt
import Foundation
import Testing
@testable import BallastLibvirt

/// The event path on libvirt's in-process test driver: the event loop thread, the
/// subscriptions of a connection, lifecycle events reaching the backend as urgent-tick
/// requests, and bad input (unknown domains, events after a domain is gone, bursts).
extension TestDriverSuites {
@Suite(.serialized)
struct LibvirtEventTests {
    static let uri = "test:///default"

    static func domainXML(_ name: String) -> String {
        """
        <domain type='test'><name>\(name)</name><memory unit='MiB'>256</memory>
        <vcpu>1</vcpu><os><type>hvm</type></os></domain>
        """
    }

    /// Waits (generously) until `sink` holds a request for `cause` naming `name`.
    static func waitForRequest(_ sink: CollectingSink, _ cause: UrgentTickCause, naming name: String) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while ContinuousClock.now < deadline {
            let found = sink.snapshot.contains {
                if case .urgentTickRequested(cause, let detail) = $0 { return detail.contains(name) }
                return false
            }
            if found { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Other suites of this process (real guests) may hold the shared loop at the same
    /// time, so the test reads the users and the thread together: the thread runs exactly
    /// while someone holds the loop.
    @Test func theEventLoopStartsOnceAndStopsWithItsLastUser() {
        let loop = LibvirtEventLoop.shared
        #expect(loop.acquire() == nil)
        #expect(loop.acquire() == nil)
        let held = loop.status
        #expect(held.isRunning && held.users >= 2)
        loop.release()
        #expect(loop.status.isRunning, "one of this test's holds is left")
        loop.release()
        let released = loop.status
        #expect(released.isRunning == (released.users > 0), "the last user's release stops the thread: \(released)")
        // And starts again for the next user.
        #expect(loop.acquire() == nil)
        #expect(loop.status.isRunning)
        loop.release()
        let final = loop.status
        #expect(final.isRunning == (final.users > 0), "\(final)")
    }

    @Test func aStartedAndADestroyedDomainReachTheBackendAsUrgentTickRequests() async throws {
        let sink = CollectingSink()
        let backend = LibvirtBackend(uri: Self.uri, events: sink)
        _ = try await backend.sample()
        let name = "ballast-events-\(UInt32.random(in: 0...UInt32.max))"
        let xml = Self.domainXML(name)
        let uuid = try await backend.connection.perform("virDomainCreateXML") { state throws(LibvirtError) -> String in
            let connection = try state.require("virDomainCreateXML")
            guard let domain = virDomainCreateXML(connection, xml, 0) else { throw state.failure("virDomainCreateXML") }
            defer { virDomainFree(domain) }
            return ConnectionState.uuid(of: domain)
        }
        #expect(await Self.waitForRequest(sink, .vmStarted, naming: name))
        // The next sample sees it; then it is destroyed and dropped before the next apply.
        let snapshot = try await backend.sample()
        let vm = try #require(snapshot.vms.first { $0.name == name })
        try await backend.connection.perform("virDomainDestroy") { state throws(LibvirtError) in
            try state.withDomain(uuid, "virDomainDestroy") { domain throws(LibvirtError) in
                if virDomainDestroy(domain) < 0 { throw state.failure("virDomainDestroy") }
            }
        }
        #expect(await Self.waitForRequest(sink, .vmStopped, naming: name))
        let applied = await backend.apply([Change(vm: vm.id, vmName: name, .memory(from: vm.current.memory, to: 128 << 20),
                                                  reason: "test")])
        guard case .skipped(let why) = applied.first?.outcome else {
            Issue.record("an apply to a stopped domain should be skipped, got \(String(describing: applied.first?.outcome))")
            await backend.shutdown()
            return
        }
        #expect(why.contains(name))
        await backend.shutdown()
    }

    /// The balloon events of a shrink, in the order QEMU sends them: the first shows the
    /// size before the shrink, the last the target.
    @Test("a shrink's first balloon event is no self-deflation; its release brings waiting growth a tick; a balloon rising while shrinking is")
    func balloonEventsOfAShrink() async throws {
        let sink = CollectingSink()
        let backend = LibvirtBackend(uri: Self.uri, events: sink)
        let snapshot = try await backend.sample()
        let vm = try #require(snapshot.vms.first { $0.name == "test" })
        let uuid = vm.id.uuid, size = vm.current.memory, mib: UInt64 = 1 << 20
        func requests(_ cause: UrgentTickCause) -> Int {
            sink.snapshot.filter { if case .urgentTickRequested(cause, _) = $0 { return true } else { return false } }.count
        }
        func shrink(from: UInt64, to: UInt64) async {
            let applied = await backend.apply([Change(vm: vm.id, vmName: vm.name, .memory(from: from, to: to), reason: "test")])
            #expect(applied.first?.outcome == .applied, "\(String(describing: applied.first?.outcome))")
        }
        func balloon(_ bytes: UInt64) async {
            await backend.handle(LibvirtEvent(uuid: uuid, name: vm.name, kind: .balloonChanged(bytes: bytes)))
        }

        // Released while no growth waits: no tick.
        await shrink(from: size, to: size - 64 * mib)
        await backend.growthAwaitsRelease(false)
        await balloon(size - mib)
        await balloon(size - 64 * mib)
        #expect(requests(.selfDeflate) == 0, "the size before the shrink is not a self-deflation")
        #expect(requests(.memoryReleased) == 0)

        // Released while growth waits for it: one tick, at the release.
        await shrink(from: size - 64 * mib, to: size - 128 * mib)
        await backend.growthAwaitsRelease(true)
        await balloon(size - 65 * mib)
        #expect(requests(.memoryReleased) == 0, "not released yet")
        await balloon(size - 128 * mib)
        #expect(requests(.memoryReleased) == 1)
        await balloon(size - 128 * mib)
        #expect(requests(.memoryReleased) == 1, "one tick per wait")
        #expect(requests(.selfDeflate) == 0)

        // Shrinking, the balloon rises instead: the guest deflated it by itself.
        await shrink(from: size - 128 * mib, to: size - 192 * mib)
        await backend.growthAwaitsRelease(true)
        await balloon(size - 130 * mib)
        await balloon(size - 100 * mib)
        #expect(requests(.selfDeflate) == 1)
        await balloon(size - 192 * mib)
        #expect(requests(.memoryReleased) == 1, "a self-deflated balloon is not releasing any more")
        await backend.shutdown()
    }

    @Test func eventsForUnknownOrGoneDomainsAndABurstChangeNothingButRequests() async throws {
        let sink = CollectingSink()
        let backend = LibvirtBackend(uri: Self.uri, events: sink)
        _ = try await backend.sample()
        let unknown = "00000000-0000-4000-8000-0000000000aa"
        // Never seen: a balloon change and a resize are ignored; a stop drops nothing.
        await backend.handle(LibvirtEvent(uuid: unknown, name: "ghost", kind: .balloonChanged(bytes: 1 << 30)))
        await backend.handle(LibvirtEvent(uuid: unknown, name: "ghost", kind: .memoryDeviceResized(bytes: 1 << 30)))
        await backend.handle(LibvirtEvent(uuid: unknown, name: "ghost", kind: .lifecycle(.stopped, detail: 0)))
        await backend.handle(LibvirtEvent(uuid: unknown, name: "ghost", kind: .jobCompleted))
        #expect(!sink.snapshot.contains {
            if case .urgentTickRequested(let cause, _) = $0 { return cause != .vmStopped }
            return false
        })
        // A burst of 1,000 start events: each is one request; the daemon coalesces them
        // (UrgentTickRequests), and the backend keeps sampling.
        for _ in 0..<1000 {
            await backend.handle(LibvirtEvent(uuid: unknown, name: "ghost", kind: .lifecycle(.started, detail: 0)))
        }
        let starts = sink.snapshot.filter {
            if case .urgentTickRequested(.vmStarted, _) = $0 { return true }
            return false
        }
        #expect(starts.count == 1000)
        let snapshot = try await backend.sample()
        #expect(snapshot.vms.contains { $0.name == "test" })
        await backend.shutdown()
    }

    @Test func aPressureFileThatRefusesATriggerIsReportedOnceAndSamplingCarriesOn() async throws {
        // A fixture root with no /proc/pressure/memory: the host trigger cannot be armed.
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-nopsi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let backend = LibvirtBackend(uri: Self.uri,
                                     options: LibvirtBackendOptions(fileSystem: RootedFileSystem(root: root.path)))
        for _ in 0..<3 { _ = try? await backend.sample() }
        #expect(await backend.pressureTriggerPaths.isEmpty)
        #expect(await backend.watchers.reportedTriggerFailures.count == 1)
        await backend.shutdown()
    }

    @Test func aConnectionWithEventsSubscribesWithoutNotesOnTheTestDriver() async throws {
        #expect(LibvirtEventLoop.shared.acquire() == nil)
        defer { LibvirtEventLoop.shared.release() }
        let connection = LibvirtConnection(uri: Self.uri, events: true)
        try await connection.connect()
        #expect(connection.events != nil)
        let notes = await connection.takeSubscriptionNotes()
        // The test driver has every event this build subscribes to; keep-alive it lacks (not a note).
        #expect(notes.isEmpty, "\(notes)")
        await connection.disconnect()
    }
}
}
