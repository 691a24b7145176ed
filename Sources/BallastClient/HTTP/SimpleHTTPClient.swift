import NIOCore
import NIOPosix

/// Why a request to the Ballast endpoint failed, in words an operator can act on.
public struct HTTPClientError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// A parsed HTTP response: status code, headers (names lower-cased) and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// A deliberately small HTTP/1.1 client for `ballast status`/`explain` and the
/// tests: one request per connection (`Connection: close`), read to EOF. Enough
/// for a loopback endpoint, and no new dependency.
public enum SimpleHTTPClient {
    /// `GET` (or another method) on an `http://host:port/path` URL.
    public static func request(_ method: String = "GET", url: String, timeout: Double = 5) async throws -> HTTPResponse {
        let target = try HTTPTarget(url: url)
        let request = "\(method) \(target.path) HTTP/1.1\r\nHost: \(target.host):\(target.port)\r\n"
            + "User-Agent: ballast-cli\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        let raw = try await exchange(host: target.host, port: target.port, send: Array(request.utf8), timeout: timeout)
        return try parse(raw, from: url, expectBody: method != "HEAD")
    }

    /// Sends raw bytes and returns everything the server sends until it closes
    /// (or until `timeout`, after which what arrived so far is returned).
    public static func exchange(host: String, port: Int, send: [UInt8], timeout: Double) async throws -> [UInt8] {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let done = loop.makePromise(of: [UInt8].self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(.milliseconds(Int64(timeout * 1000)))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(CollectingHandler(done))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            done.fail(error)
            throw HTTPClientError(description: "cannot connect to \(host):\(port): \(error); "
                + "is `ballast run` running with its endpoint there (see --listen)?")
        }
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            channel.close(promise: nil)
        }
        channel.writeAndFlush(ByteBuffer(bytes: send), promise: nil)
        let bytes = try await done.futureResult.get()
        timer.cancel()
        return bytes
    }

    static func parse(_ raw: [UInt8], from url: String, expectBody: Bool) throws -> HTTPResponse {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = raw.firstRange(of: separator) else {
            throw HTTPClientError(description: "\(url) answered \(raw.count) bytes without a complete HTTP head")
        }
        let head = String(decoding: raw[..<headEnd.lowerBound], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusParts = lines.first?.split(separator: " ", maxSplits: 2) ?? []
        guard statusParts.count >= 2, statusParts[0].hasPrefix("HTTP/1."), let status = Int(statusParts[1]) else {
            throw HTTPClientError(description: "\(url) answered with a malformed status line: \(lines.first ?? "")")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
        }
        var body = Array(raw[headEnd.upperBound...])
        if expectBody, let length = headers["content-length"].flatMap({ Int($0) }) {
            guard body.count >= length else {
                throw HTTPClientError(description: "\(url) closed after \(body.count) of \(length) body bytes")
            }
            body = Array(body.prefix(length))
        }
        return HTTPResponse(status: status, headers: headers, body: body)
    }
}

/// Host, port and path of an `http://` URL.
struct HTTPTarget {
    var host: String
    var port: Int
    var path: String

    init(url: String) throws {
        guard url.hasPrefix("http://") else {
            throw HTTPClientError(description: "URL \(url) is not http://HOST:PORT[/path]; only plain http is supported")
        }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        path = slash == rest.endIndex ? "/" : String(rest[slash...])
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) ?? -1 : 80
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...]) ?? -1
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty, (1...65535).contains(port) else {
            throw HTTPClientError(description: "URL \(url) has no valid host and port; expected http://HOST:PORT")
        }
    }
}

/// Gathers every byte the server sends and completes when it closes.
private final class CollectingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var received: [UInt8] = []
    private let done: EventLoopPromise<[UInt8]>

    init(_ done: EventLoopPromise<[UInt8]>) {
        self.done = done
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
    }

    func channelInactive(context: ChannelHandlerContext) {
        done.succeed(received)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
