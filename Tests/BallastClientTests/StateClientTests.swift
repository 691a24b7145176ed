import BallastClient
import BallastMetrics
import BallastTestFixtures
import Testing

/// `StateClient`'s answers and errors, as `ballast status` and `explain` print them.
@Suite("State client")
struct StateClientTests {
    @Test func aDaemonThatIsNotRunningIsNamedWithWhatToDo() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let error = await #expect(throws: StateClientError.self) {
            try await StateClient.fetch(baseURL: "http://127.0.0.1:\(port)")
        }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.hasPrefix("cannot reach the daemon at 127.0.0.1:\(port): "))
        #expect(text.contains("`ballast run`"))
        #expect(text.contains("--url"))
    }

    @Test func anErrorStatusIsReportedWithItsBody() async throws {
        let server = try await ScriptedServer(
            reply: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 13\r\n\r\nno tick yet\r\n")
        defer { Task { await server.stop() } }
        let error = await #expect(throws: StateClientError.self) { try await StateClient.fetchJSON(baseURL: server.url, timeout: .seconds(30)) }
        #expect(error.map { "\($0)" } == "\(server.url)/v1/state answered 503: no tick yet\r\n")
    }

    @Test func aBodyThatIsNotAStateDocumentSaysSo() async throws {
        let server = try await ScriptedServer(reply: "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"a\":1}")
        defer { Task { await server.stop() } }
        let error = await #expect(throws: StateClientError.self) { try await StateClient.fetch(baseURL: server.url, timeout: .seconds(30)) }
        #expect(caseName(error) == "unreadableDocument")
        #expect(error.map { "\($0)" }?.contains("same version") == true)
    }

    @Test func theDocumentComesFromV1StateWhateverTheTrailingSlashes() async throws {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        await state.record(report: Fixtures.report(count: 3, names: Fixtures.awkwardNames), tickSeconds: 0.01,
                           late: false)
        let server = MetricsServer(host: "127.0.0.1", port: 0, state: state)
        let port = try await server.start()
        defer { Task { await server.stop() } }
        let base = "http://127.0.0.1:\(port)//"
        let document = try await StateClient.fetch(baseURL: base, timeout: .seconds(30))
        #expect(document.vms.map(\.name) == Array(Fixtures.awkwardNames.prefix(3)))
        let json = try await StateClient.fetchJSON(baseURL: base, timeout: .seconds(30))
        #expect(json.hasPrefix("{") && json.contains("\"vms\""))
    }
}
