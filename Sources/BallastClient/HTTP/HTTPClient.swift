import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP/1.1 client of `ballast status`/`explain` (and of the tests that
/// scrape an endpoint): NIOHTTP1's request encoder and response decoder over a
/// NIO connection, one request per connection (`Connection: close`), one
/// deadline for connecting and reading, and a bound on the response's size.
public enum HTTPClient {
    /// The largest response read. A `/v1/state` document is about 2 KiB per VM,
    /// so this leaves room for tens of thousands of VMs and still stops an
    /// endpoint that streams without end.
    public static let defaultMaxResponseBytes = 64 * 1024 * 1024

    /// Sends `method` (GET, HEAD, ...) to an `http://host:port/path` URL and reads
    /// the whole response, or fails with what went wrong.
    public static func request(
        _ method: String = "GET", url: String, timeout: Duration = .seconds(5),
        maxResponseBytes: Int = defaultMaxResponseBytes
    ) async throws(HTTPClientError) -> HTTPResponse {
        let exchange = try Exchange(method: HTTPMethod(rawValue: method), url: url, timeout: timeout,
                                    maxResponseBytes: maxResponseBytes)
        do {
            return try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                group.addTask { try await exchange.run() }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw HTTPClientError.timedOut(url: url, after: timeout)
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else {
                    throw HTTPClientError.timedOut(url: url, after: timeout)
                }
                return first
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw .connectionLost(url: url, reason: "\(error)")
        }
    }
}

/// One request on one connection, run inside `HTTPClient.request`'s deadline.
private struct Exchange: Sendable {
    let url: String
    let target: HTTPTarget
    let head: HTTPRequestHead
    let timeout: Duration
    let maxResponseBytes: Int

    init(method: HTTPMethod, url: String, timeout: Duration, maxResponseBytes: Int) throws(HTTPClientError) {
        let target = try HTTPTarget(url: url)
        self.url = url
        self.target = target
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        head = HTTPRequestHead(version: .http1_1, method: method, uri: target.path, headers: [
            "Host": target.authority, "User-Agent": "ballast-cli", "Accept": "*/*", "Connection": "close",
        ])
    }

    func run() async throws -> HTTPResponse {
        let channel = try await connect()
        return try await channel.executeThenClose { inbound, outbound in
            var reader = ResponseReader(url: url, maxBytes: maxResponseBytes)
            do {
                // Head and end in one write: a server that answers on the head and closes
                // (as `Connection: close` asks) must not find the end still to be sent.
                try await outbound.write(contentsOf: [.head(head), .end(nil)])
                for try await part in inbound {
                    if let response = try reader.read(part) { return response }
                }
            } catch let error as HTTPClientError {
                throw error
            } catch let error as HTTPParserError where error != .invalidEOFState {
                throw HTTPClientError.malformedResponse(url: url, reason: "\(error)")
            } catch {
                throw HTTPClientError.connectionLost(url: url, reason: reader.progress + "; \(error)")
            }
            throw HTTPClientError.connectionLost(url: url, reason: reader.progress)
        }
    }

    private func connect() async throws(HTTPClientError)
        -> NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart> {
        do {
            return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(TimeAmount(timeout))
                .connect(host: target.host, port: target.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw .cannotConnect(host: target.host, port: target.port, reason: ConnectFailure.reason(error))
        }
    }
}

/// Gathers the decoder's parts into one response, enforcing the size bound.
private struct ResponseReader {
    let url: String
    let maxBytes: Int
    private var head: HTTPResponseHead?
    private var body: [UInt8] = []

    init(url: String, maxBytes: Int) {
        self.url = url
        self.maxBytes = maxBytes
    }

    /// What had arrived when the connection ended, for the error.
    var progress: String {
        head == nil ? "no response head arrived" : "after \(body.count) body bytes"
    }

    /// Takes one part; returns the response once its end has arrived.
    mutating func read(_ part: HTTPClientResponsePart) throws(HTTPClientError) -> HTTPResponse? {
        switch part {
        case let .head(received):
            if let declared = received.headers.first(name: "content-length").flatMap(Int.init), declared > maxBytes {
                throw .responseTooLarge(url: url, limit: maxBytes)
            }
            head = received
        case let .body(buffer):
            guard body.count + buffer.readableBytes <= maxBytes else {
                throw .responseTooLarge(url: url, limit: maxBytes)
            }
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { throw .malformedResponse(url: url, reason: "it ended before its head") }
            var headers: [String: String] = [:]
            for (name, value) in head.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { "\($0), \(value)" } ?? value
            }
            return HTTPResponse(status: Int(head.status.code), headers: headers, body: body)
        }
        return nil
    }
}
