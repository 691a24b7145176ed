import BallastCore
@testable import BallastDaemon
import BallastMetrics
import Logging
import Synchronization
import Testing

/// Urgent ticks in the daemon: requests from any thread coalesced to the rate, and the
/// loop running a tick between its intervals when one is due.
@Suite("Urgent ticks in the daemon loop")
struct UrgentTickLoopTests {
    @Test func aBurstOfAThousandRequestsIsOneUrgentTickServingEveryCause() {
        let requests = UrgentTickRequests(maximumPerSecond: 2)
        #expect(!requests.due)
        for index in 0..<1000 {
            requests.record(.urgentTickRequested(cause: index % 2 == 0 ? .vmStarted : .pressure, detail: "\(index)"))
        }
        requests.record(.backendError(operation: "sample", message: "not a request"))
        #expect(requests.due)
        #expect(requests.tickStarting(regular: false) == [.pressure, .vmStarted])
        for index in 0..<1000 {
            requests.record(.urgentTickRequested(cause: .lowHeadroom, detail: "\(index)"))
        }
        // Within half a second of the last tick: coalesced, not run.
        #expect(!requests.due)
        #expect(requests.tickStarting(regular: false).isEmpty)
        // A regular tick serves what is pending and is not counted as urgent.
        #expect(requests.tickStarting(regular: true).isEmpty)
        #expect(!requests.due)
    }

    @Test func aRateOfZeroNeverRunsAnUrgentTick() {
        let requests = UrgentTickRequests(maximumPerSecond: 0)
        requests.record(.urgentTickRequested(cause: .pressure, detail: "psi"))
        #expect(!requests.due)
        #expect(requests.tickStarting(regular: false).isEmpty)
    }

    @Test func theLoopRunsAnUrgentTickBetweenIntervalsAndCountsItsCause() async throws {
        let backend = RecordingBackend()
        let observer = CountingObserver()
        let control = DaemonControl()
        let requests = UrgentTickRequests(maximumPerSecond: 10)
        let metrics = MetricsEventSink()
        // An interval of an hour: any second tick in this test is an urgent one.
        let engine = BalancerEngine(backend: backend, plugins: [], settings: BalancerSettings(interval: 3600))
        let loop = DaemonLoop(engine: engine, control: control, observers: [observer], pacing: LoopPacing(),
                              reload: nil, logger: Logger(label: "test"), urgent: requests, urgentReport: metrics)
        let task = Task { await loop.run() }
        defer { control.requestStop() }
        try await waitUntil { observer.completed.withLock { $0 } == 1 }
        requests.record(.urgentTickRequested(cause: .vmStarted, detail: "domain 'x' started"))
        try await waitUntil { observer.completed.withLock { $0 } == 2 }
        #expect(metrics.current().urgentTicks == ["vm_started": 1])
        #expect(backend.samples.withLock { $0 } == 2)
        control.requestStop()
        #expect(await task.value == .finished)
    }

    /// Waits (generously: a loaded CI machine) for `condition`; fails the test if it never holds.
    private func waitUntil(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not reached within 30 s")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}
