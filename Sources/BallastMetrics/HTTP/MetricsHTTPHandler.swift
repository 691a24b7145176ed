import NIOCore
import NIOHTTP1

/// Serves one connection: checks each request against the limits (method,
/// header size, no body), answers from `MetricsRoutes`, closes the connection
/// when the client is too slow to send a request head or sits idle too long, and
/// tells the `ConnectionLimiter` while a request is in progress (such a connection
/// is never shed to admit another).
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Where the connection is between requests, which decides its deadline.
    private enum Phase {
        /// Accepted, or bytes of a next request arrived: the head is due within `headerTimeout`.
        case awaitingHead
        /// Kept alive after an answer, no byte of a next request yet: `idleTimeout` applies.
        case idle
        /// A request head arrived: no deadline, and the connection may not be shed.
        case serving
    }

    private let routes: MetricsRoutes
    private let limits: MetricsServerLimits
    private let limiter: ConnectionLimiter
    private let connectionID: UInt64
    private var phase = Phase.awaitingHead
    private var request: HTTPRequestHead?
    /// Set once the current request has been refused; the rest of it is ignored.
    private var refused = false
    private var deadline: Scheduled<Void>?
    private var deadlineAt: NIODeadline?
    /// The client half-closed: answer what is in flight, then close.
    private var inputClosed = false

    init(routes: MetricsRoutes, limits: MetricsServerLimits, limiter: ConnectionLimiter, connectionID: UInt64) {
        self.routes = routes
        self.limits = limits
        self.limiter = limiter
        self.connectionID = connectionID
    }

    func channelActive(context: ChannelHandlerContext) {
        armDeadline(in: limits.headerTimeout, context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelDeadline()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            cancelDeadline()
            phase = .serving
            limiter.requestStarted(connectionID)
            request = head
            refused = false
            if let refusal = refusal(for: head) {
                refused = true
                respond(refusal, to: head, close: true, context: context)
            }
        case .body:
            guard !refused, let head = request else { return }
            refused = true
            respond(.text(.payloadTooLarge, "request bodies are not accepted"), to: head, close: true, context: context)
        case .end:
            guard !refused, let head = request else { return }
            serve(head, context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let reply: HTTPReply
        if let parserError = error as? HTTPParserError, parserError == .headerOverflow {
            reply = .text(.init(statusCode: 431, reasonPhrase: "Request Header Fields Too Large"),
                          "request headers exceed \(limits.maxHeaderBytes) bytes")
        } else if error is HTTPParserError {
            reply = .text(.badRequest, "malformed HTTP request: \(error)")
        } else {
            context.close(promise: nil)
            return
        }
        refused = true
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        respond(reply, to: head, close: true, context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is RequestBytesSignal.BytesArrived {
            if phase == .idle {
                phase = .awaitingHead
                armDeadline(in: limits.headerTimeout, context: context)
            }
            return
        }
        if let event = event as? ChannelEvent, event == .inputClosed {
            inputClosed = true
            if request == nil { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func refusal(for head: HTTPRequestHead) -> HTTPReply? {
        guard head.method == .GET || head.method == .HEAD else {
            var reply = HTTPReply.text(.methodNotAllowed, "only GET and HEAD are allowed")
            reply.extraHeaders = [("Allow", "GET, HEAD")]
            return reply
        }
        if head.uri.utf8.count > limits.maxURIBytes {
            return .text(.uriTooLong, "request target exceeds \(limits.maxURIBytes) bytes")
        }
        let headerBytes = head.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        if headerBytes > limits.maxHeaderBytes {
            return .text(.init(statusCode: 431, reasonPhrase: "Request Header Fields Too Large"),
                         "request headers exceed \(limits.maxHeaderBytes) bytes")
        }
        let length = head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
        if length > 0 || head.headers.contains(name: "transfer-encoding") {
            return .text(.payloadTooLarge, "request bodies are not accepted")
        }
        return nil
    }

    private func serve(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let routes = self.routes
        // At high priority: Swift concurrency queues tasks by priority, so a health check
        // or scrape is answered ahead of whatever long work (a large tick) waits on the
        // few threads it shares, rather than behind it.
        let promise = context.eventLoop.makePromise(of: HTTPReply.self)
        Task(priority: .high) { promise.succeed(await routes.reply(to: path)) }
        promise.futureResult.assumeIsolated().whenSuccess { reply in
            self.respond(reply, to: head, close: !head.isKeepAlive, context: context)
        }
    }

    private func respond(_ reply: HTTPReply, to head: HTTPRequestHead, close requestedClose: Bool,
                         context: ChannelHandlerContext) {
        request = nil
        guard context.channel.isActive else { return }
        let close = requestedClose || inputClosed
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: reply.contentType)
        headers.add(name: "Content-Length", value: String(reply.body.readableBytes))
        headers.add(name: "Connection", value: close ? "close" : "keep-alive")
        for (name, value) in reply.extraHeaders { headers.add(name: name, value: value) }
        let responseHead = HTTPResponseHead(version: head.version, status: reply.status, headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if head.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(reply.body))), promise: nil)
        }
        if close {
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                context.close(promise: nil)
            }
            return
        }
        // Idle from here: writing the end may hand over a pipelined request at once.
        phase = .idle
        armDeadline(in: limits.idleTimeout, context: context)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
            // A pipelined request may be in progress by now; it reports its own end.
            if self.phase != .serving { self.limiter.requestFinished(self.connectionID) }
        }
    }

    /// Closes the connection unless a request head arrives within `seconds`; never
    /// moves an armed deadline later (a request started late in the idle time gets
    /// no more than the idle time left).
    private func armDeadline(in seconds: Double, context: ChannelHandlerContext) {
        var due = NIODeadline.now() + .nanoseconds(Int64(seconds * 1e9))
        if phase == .awaitingHead, let armed = deadlineAt, armed < due { due = armed }
        cancelDeadline()
        deadlineAt = due
        deadline = context.eventLoop.assumeIsolated().scheduleTask(deadline: due) {
            context.close(promise: nil)
        }
    }

    private func cancelDeadline() {
        deadline?.cancel()
        deadline = nil
        deadlineAt = nil
    }
}
