import BallastClient
@testable import BallastMetrics
import BallastTestFixtures
import Foundation
import Testing

/// Issue 10's acceptance criterion for the health check: with 2,000 idle TCP
/// connections open to the endpoint, `GET /healthz` is answered in under 100 ms and
/// ticks stay on time. The only timed assertion in the unit tests, because it is
/// the criterion itself: the median of several requests (the first waits behind the
/// connects still queued), against a bound some forty times the 2 to 2.5 ms median of a
/// debug build on a loaded two-core machine (Benchmarks/idle-flood.py measures the
/// same against a release build: docs/observability.md).
@Suite("Idle connection flood", .serialized)
struct IdleConnectionFloodTests {
    static let idleConnections = 2_000
    static let healthRequests = 9

    @Test func healthzIsAnsweredQuicklyWith2000IdleConnectionsOpen() async throws {
        // A clock that stands still: opening 2,000 connections may take longer than
        // the three intervals after which a real clock would call the daemon stalled.
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        await state.record(report: Fixtures.report(count: 3), tickSeconds: 0.01, late: false)
        let server = MetricsServer(host: "127.0.0.1", port: 0, state: state)
        let port = try await server.start()
        defer { Task { await server.stop() } }

        let idle = try await IdleConnectionHolder.open(Self.idleConnections, port: port)
        defer { idle.release() }
        let (median, statuses) = try await Self.timeHealthRequests(url: "http://127.0.0.1:\(port)/healthz")
        print("[flood] server alone: median /healthz \(median) with \(Self.idleConnections) idle connections open")

        #expect(statuses.allSatisfy { $0 == 200 }, "every /healthz is answered: \(statuses)")
        #expect(median < .milliseconds(100), "median /healthz latency \(median)")
        #expect(server.openConnections <= MetricsServerLimits().maxConnections)
        #expect(server.shedConnections > 0, "idle connections made room for the health checks")
    }

    @Test func theDaemonAnswersAndTicksOnTimeWith2000IdleConnectionsOpen() async throws {
        // Demo interval 2 s at speed 2: a tick is due every wall second.
        let daemon = try await DaemonProcess(arguments: ["--backend", "sim", "--scenario", "demo", "--speed", "2",
                                                         "--no-table"])
        defer { _ = daemon.stop() }
        let before = try await daemon.waitForTicks(2)

        let idle = try await IdleConnectionHolder.open(Self.idleConnections, port: daemon.port)
        defer { idle.release() }
        let (median, statuses) = try await Self.timeHealthRequests(url: daemon.baseURL + "/healthz")
        print("[flood] ballast run: median /healthz \(median) with \(Self.idleConnections) idle connections open")
        let after = try await daemon.waitForTicks((before.tick ?? 2) + 4)

        #expect(statuses.allSatisfy { $0 == 200 }, "every /healthz is answered: \(statuses)")
        #expect(median < .milliseconds(100), "median /healthz latency \(median)")
        let metrics = try await HTTPClient.request(url: daemon.baseURL + "/metrics")
        let late = metrics.bodyText.split(separator: "\n").first { $0.hasPrefix("ballast_late_ticks_total ") }
        #expect(late == "ballast_late_ticks_total 0", "ticks stayed on time through tick \(after.tick ?? 0)")
    }

    /// Times `healthRequests` requests, each on a new connection, a little apart;
    /// returns the median and every status. The requests run at high priority, as the
    /// server answers them: other suites of this process keep the shared threads busy, and
    /// the figure is the server's latency, not how long this test waited behind them.
    private static func timeHealthRequests(url: String) async throws -> (Duration, [Int]) {
        try await Task(priority: .high) { try await timeHealthRequestsInPlace(url: url) }.value
    }

    private static func timeHealthRequestsInPlace(url: String) async throws -> (Duration, [Int]) {
        var durations: [Duration] = []
        var statuses: [Int] = []
        let clock = ContinuousClock()
        for _ in 0..<healthRequests {
            let started = clock.now
            // 30 s: the first request queues behind connects the server has not accepted yet,
            // which takes seconds on a busy machine; the median is the criterion.
            let response = try await HTTPClient.request(url: url, timeout: .seconds(30))
            durations.append(clock.now - started)
            statuses.append(response.status)
            try await Task.sleep(for: .milliseconds(50))
        }
        return (durations.sorted()[durations.count / 2], statuses)
    }
}
