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

    private func start(_ limits: MetricsServerLimits = MetricsServerLimits(), vms: Int = 3) async throws -> Running {
        let clock = ManualClock()
        let state = ObservabilityState(interval: 2, clock: clock)
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
        let running = try await start(MetricsServerLimits(maxHeaderBytes: 1024))
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

    @Test func slowClientsAreCutOffAtTheIdleTimeout() async throws {
        let running = try await start(MetricsServerLimits(idleTimeout: 0.3))
        defer { Task { await running.server.stop() } }
        let started = ContinuousClock.now
        let reply = try await raw(running, "GET /metrics HTTP/1.1\r\nHo", timeout: .seconds(60))
        #expect(reply.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(30), "the server, not the client's timeout, closed it")
    }

    @Test func connectionsAreBoundedAndTicksKeepGoing() async throws {
        let running = try await start(MetricsServerLimits(maxConnections: 3, idleTimeout: 3))
        defer { Task { await running.server.stop() } }
        let port = running.port
        let holders = (0..<3).map { _ in
            Task {
                try await RawExchange.send(Array("GET /metrics HTTP/1.1\r\n".utf8), port: port, timeout: .seconds(60))
            }
        }
        for _ in 0..<200 where running.server.openConnections < 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(running.server.openConnections == 3)
        let refused = try await raw(running, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(refused.isEmpty, "a connection beyond the bound is closed without an answer")
        for tick in 2...51 {
            await running.state.record(report: Fixtures.report(tick: UInt64(tick), count: 3), tickSeconds: 0.01,
                                       late: false)
        }
        #expect(await running.state.metricsSnapshot().ticks == 51, "ticks are recorded while clients misbehave")
        for holder in holders {
            #expect(try await holder.value.isEmpty)
        }
        for _ in 0..<200 where running.server.openConnections > 0 {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await HTTPClient.request(url: running.base + "/healthz").status == 200)
    }

    @Test func refusesToStartOnABusyPort() async throws {
        let running = try await start()
        defer { Task { await running.server.stop() } }
        let second = MetricsServer(host: "127.0.0.1", port: running.port, state: running.state)
        await #expect(throws: MetricsServerError.self) { try await second.start() }
    }
}
