import BallastClient
import BallastCore
import BallastMetrics
import BallastTestFixtures
import Foundation
import Testing

/// Tests against a real server on an ephemeral loopback port.
@Suite("HTTP endpoint")
struct HTTPServerTests {
    private struct Running {
        var server: MetricsServer
        var state: ObservabilityState
        var clock: ManualClock
        var port: Int
        var base: String { "http://127.0.0.1:\(port)" }
    }

    /// A server on an ephemeral port. Unless a test is about deadlines, the header deadline
    /// is long: a test client whose send waits for a busy shared thread pool is not a slow loris.
    private func start(_ limits: MetricsServerLimits = MetricsServerLimits(headerTimeout: 60), vms: Int = 3)
        async throws -> Running {
        let clock = ManualClock()
        // A heap that does not move: a HEAD's content-length is compared with a GET's body.
        let state = ObservabilityState(interval: 2, clock: clock, heap: { HeapUsage(inUse: 1 << 20, freeKept: 0) })
        await state.record(report: Fixtures.report(count: vms, names: Fixtures.awkwardNames), tickSeconds: 0.01,
                           late: false)
        let server = MetricsServer(host: "127.0.0.1", port: 0, state: state, limits: limits)
        let port = try await server.start()
        return Running(server: server, state: state, clock: clock, port: port)
    }

    private func raw(_ running: Running, _ request: String, timeout: Duration = .seconds(10)) async throws -> String {
        let bytes = try await RawExchange.send(Array(request.utf8), port: running.port, timeout: timeout)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func metricsAreServedInTextFormat004() async throws {
        let running = try await start()
        defer { Task { await running.server.stop() } }
        let response = try await HTTPClient.request(url: running.base + "/metrics")
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(try PromTools.promtoolProblems(response.body) == nil)
        let head = try await HTTPClient.request("HEAD", url: running.base + "/metrics")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.headers["content-length"] ?? "") == response.body.count)
    }

    @Test func healthTurns503WhenTicksStall() async throws {
        let running = try await start()
        defer { Task { await running.server.stop() } }
        let healthy = try await HTTPClient.request(url: running.base + "/healthz")
        #expect(healthy.status == 200)
        #expect(healthy.bodyText == "ok\n")
        running.clock.advance(30)
        let stalled = try await HTTPClient.request(url: running.base + "/healthz")
        #expect(stalled.status == 503)
        #expect(stalled.bodyText.contains("last tick 30.0 s ago"))
        await running.state.record(report: Fixtures.report(tick: 2, count: 1), tickSeconds: 0.01, late: false)
        #expect(try await HTTPClient.request(url: running.base + "/healthz").status == 200)
    }

    @Test func stateDocumentDecodes() async throws {
        let running = try await start(vms: 4)
        defer { Task { await running.server.stop() } }
        let document = try await StateClient.fetch(baseURL: running.base + "/")
        #expect(document.vms.map(\.name) == Fixtures.awkwardNames)
        #expect(document.tick == 1)
    }

    @Test func unknownPathsAre404AndOtherMethods405() async throws {
        let running = try await start()
        defer { Task { await running.server.stop() } }
        #expect(try await HTTPClient.request(url: running.base + "/nope").status == 404)
        let post = try await HTTPClient.request("POST", url: running.base + "/metrics")
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        #expect(try await HTTPClient.request("DELETE", url: running.base + "/v1/state").status == 405)
        #expect(try await HTTPClient.request(url: running.base + "/metrics?x=1").status == 200)
    }

    @Test func bodiesAreRefusedWith413() async throws {
        let running = try await start()
        defer { Task { await running.server.stop() } }
        let reply = try await raw(running, "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello")
        #expect(reply.hasPrefix("HTTP/1.1 413"))
    }

    @Test func oversizedHeadersAreRefusedWith431() async throws {
        let running = try await start(MetricsServerLimits(maxHeaderBytes: 1024, headerTimeout: 60))
        defer { Task { await running.server.stop() } }
        let big = String(repeating: "a", count: 4096)
        let reply = try await raw(running, "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: \(big)\r\n\r\n")
        #expect(reply.hasPrefix("HTTP/1.1 431"))
        let many = (0..<40).map { "X-H\($0): \(String(repeating: "b", count: 40))\r\n" }.joined()
        let reply2 = try await raw(running, "GET /metrics HTTP/1.1\r\nHost: x\r\n\(many)\r\n")
        #expect(reply2.hasPrefix("HTTP/1.1 431"))
    }

    @Test func keepAliveServesPipelinedRequestsInOrder() async throws {
        let running = try await start()
        defer { Task { await running.server.stop() } }
        let reply = try await raw(running, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let statuses = reply.components(separatedBy: .newlines).filter { $0.hasPrefix("HTTP/1.1 ") }
        #expect(statuses == ["HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found"])
    }

    @Test func aSlowLorisIsClosedAtTheHeaderDeadline() async throws {
        let running = try await start(MetricsServerLimits(headerTimeout: 0.3, idleTimeout: 60))
        defer { Task { await running.server.stop() } }
        let loris = try RawConnection(port: running.port)
        try loris.send("GET /metrics HTTP/1.1\r\nHo")
        let closed = try await RawConnection.offPool { loris.closedByPeer(within: 30) }
        #expect(closed, "half a request head is cut off at the 0.3 s header deadline, not the 60 s idle timeout")
        for _ in 0..<250 where running.server.openConnections > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(running.server.openConnections == 0, "its place is free again")
    }

    /// A connection that has had one `/healthz` answered and is kept alive.
    private func keptAlive(_ running: Running) async throws -> RawConnection {
        let client = try RawConnection(port: running.port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let answer = try await RawConnection.offPool { client.read(timeout: 60) { $0.hasSuffix("\r\n\r\nok\n") } }
        #expect(answer.hasPrefix("HTTP/1.1 200"))
        #expect(answer.contains("Connection: keep-alive"))
        return client
    }

    @Test func aKeptAliveConnectionIsClosedWhenIdle() async throws {
        // 2 s, not less: the first request must be read before the idle timer fires, and a
        // test process busy with other suites can take longer than a fraction of a second.
        // The header deadline is far beyond the wait, so only the idle timeout can close it.
        let running = try await start(MetricsServerLimits(headerTimeout: 600, idleTimeout: 2))
        defer { Task { await running.server.stop() } }
        let client = try await keptAlive(running)
        let closed = try await RawConnection.offPool { client.closedByPeer(within: 120) }
        #expect(closed, "an idle kept-alive connection is closed at the 2 s idle timeout, not the 600 s header one")
    }

    @Test func aRequestStartedOnAKeptAliveConnectionGetsOnlyTheHeaderDeadline() async throws {
        // 2 s: the first, complete request must beat the header deadline on a busy machine.
        let running = try await start(MetricsServerLimits(headerTimeout: 2, idleTimeout: 60))
        defer { Task { await running.server.stop() } }
        let client = try await keptAlive(running)
        try client.send("GET /healthz HTTP/1.1\r\nHo")
        let closed = try await RawConnection.offPool { client.closedByPeer(within: 30) }
        #expect(closed, "a second head dribbled on a kept-alive connection is cut off at the header deadline")
    }

    @Test func atTheBoundTheOldestIdleConnectionMakesRoomAndTicksKeepGoing() async throws {
        let running = try await start(MetricsServerLimits(maxConnections: 3, headerTimeout: 60))
        defer { Task { await running.server.stop() } }
        let idle = try await RawConnection.open(3, port: running.port)
        defer { idle.forEach { $0.close() } }
        for _ in 0..<250 where running.server.openConnections < 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(running.server.openConnections == 3)
        let health = try await HTTPClient.request(url: running.base + "/healthz")
        #expect(health.status == 200, "a new client is answered at the bound")
        #expect(running.server.shedConnections == 1)
        let oldestClosed = try await RawConnection.offPool { idle[0].closedByPeer(within: 10) }
        #expect(oldestClosed, "the connection idle longest made room")
        let othersClosed = try await RawConnection.offPool { idle[1...].map { $0.closedByPeer(within: 0.2) } }
        #expect(othersClosed == [false, false], "only one idle connection is shed")
        for tick in 2...51 {
            await running.state.record(report: Fixtures.report(tick: UInt64(tick), count: 3), tickSeconds: 0.01,
                                       late: false)
        }
        #expect(await running.state.metricsSnapshot().ticks == 51, "ticks are recorded while clients misbehave")
    }

    @Test func aBoundTooLargeForTheOpenFileLimitIsRefusedAtStart() async throws {
        let state = ObservabilityState(interval: 2)
        let server = MetricsServer(host: "127.0.0.1", port: 0, state: state,
                                   limits: MetricsServerLimits(maxConnections: Int(Int32.max)))
        let error = await #expect(throws: MetricsServerError.self) { try await server.start() }
        #expect(error?.description.contains("LimitNOFILE") == true)
    }

    @Test func refusesToStartOnABusyPort() async throws {
        let running = try await start()
        defer { Task { await running.server.stop() } }
        let second = MetricsServer(host: "127.0.0.1", port: running.port, state: running.state)
        await #expect(throws: MetricsServerError.self) { try await second.start() }
    }
}
