import Testing
@testable import BallastClient

/// The NIOHTTP1 client against scripted loopback servers: what it reads, and
/// which error it gives for each way a response can go wrong.
@Suite("HTTP client")
struct HTTPClientTests {
    @Test func readsStatusHeadersAndBodyAndSendsOneClosingRequest() async throws {
        let server = try await ScriptedServer(
            reply: "HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Part: a\r\nx-part: b\r\n\r\nhello")
        defer { Task { await server.stop() } }
        let response = try await HTTPClient.request(url: server.url + "/v1/state?x=1", timeout: .seconds(30))
        #expect(response.status == 201)
        #expect(response.headers["x-part"] == "a, b")
        #expect(response.bodyText == "hello")
        let request = try #require(server.received.first)
        #expect(request.hasPrefix("GET /v1/state?x=1 HTTP/1.1\r\n"))
        #expect(request.contains("Host: 127.0.0.1:\(server.port)\r\n"))
        #expect(request.lowercased().contains("connection: close\r\n"))
    }

    @Test func aBodyWithoutLengthRunsToTheClose() async throws {
        let server = try await ScriptedServer(reply: "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nto the end")
        defer { Task { await server.stop() } }
        #expect(try await HTTPClient.request(url: server.url, timeout: .seconds(30)).bodyText == "to the end")
    }

    @Test func aRefusedConnectionNamesTheAddress() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let port = refusing.port
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient.request(url: "http://127.0.0.1:\(port)/metrics")
        }
        #expect(caseName(error) == "cannotConnect")
        #expect(error.map { "\($0)" }?.hasPrefix("cannot connect to 127.0.0.1:\(port): ") == true)
    }

    @Test func aSilentServerEndsInATimeout() async throws {
        let server = try await ScriptedServer(reply: nil)
        defer { Task { await server.stop() } }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient.request(url: server.url, timeout: .milliseconds(300))
        }
        #expect(caseName(error) == "timedOut")
    }

    /// A body of declared length, and one that runs until the close.
    @Test(arguments: ["Content-Length: 1000", "Connection: close"])
    func responsesStopAtTheSizeBound(framing: String) async throws {
        let server = try await ScriptedServer(
            reply: "HTTP/1.1 200 OK\r\n\(framing)\r\n\r\n" + String(repeating: "x", count: 1000))
        defer { Task { await server.stop() } }
        let error = await #expect(throws: HTTPClientError.self) {
            try await HTTPClient.request(url: server.url, timeout: .seconds(30), maxResponseBytes: 100)
        }
        #expect(caseName(error) == "responseTooLarge")
    }

    /// Something other than HTTP, and a body cut short by the close.
    @Test(arguments: [("SSH-2.0-OpenSSH_9.2\r\n\r\n", "malformedResponse"),
                      ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort", "connectionLost")])
    func brokenResponsesAreNamed(reply: String, expected: String) async throws {
        let server = try await ScriptedServer(reply: reply)
        defer { Task { await server.stop() } }
        let error = await #expect(throws: HTTPClientError.self) { try await HTTPClient.request(url: server.url, timeout: .seconds(30)) }
        #expect(caseName(error) == expected, "\(String(describing: error))")
    }

    @Test(arguments: ["https://127.0.0.1:9477", "127.0.0.1:9477", "http://:9477/", "http://host:0", "http://host:99999",
                      "http://host:port/"])
    func badURLsFailBeforeConnecting(url: String) async {
        let error = await #expect(throws: HTTPClientError.self) { try await HTTPClient.request(url: url) }
        #expect(caseName(error) == "invalidURL")
    }

    @Test func urlsGiveHostPortPathAndHostHeader() throws {
        let ipv6 = try HTTPTarget(url: "http://[::1]:9477/v1/state")
        #expect(ipv6.host == "::1" && ipv6.port == 9477 && ipv6.path == "/v1/state")
        #expect(ipv6.authority == "[::1]:9477")
        let bare = try HTTPTarget(url: "http://example")
        #expect(bare.host == "example" && bare.port == 80 && bare.path == "/")
        #expect(bare.authority == "example:80")
    }
}
