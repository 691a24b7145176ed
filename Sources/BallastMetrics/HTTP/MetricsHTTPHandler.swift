import NIOCore
import NIOHTTP1

/// Serves one connection: checks each request against the limits (method,
/// header size, no body), answers from `MetricsRoutes`, and closes the
/// connection when the client is too slow to send a request or sits idle.
final class MetricsHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let routes: MetricsRoutes
    private let limits: MetricsServerLimits
    private var request: HTTPRequestHead?
    /// Set once the current request has been refused; the rest of it is ignored.
    private var refused = false
    private var deadline: Scheduled<Void>?
    /// The client half-closed: answer what is in flight, then close.
    private var inputClosed = false

    init(routes: MetricsRoutes, limits: MetricsServerLimits) {
        self.routes = routes
        self.limits = limits
    }

    func channelActive(context: ChannelHandlerContext) {
        armDeadline(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            deadline?.cancel()
            deadline = nil
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
        let future = context.eventLoop.makeFutureWithTask { await routes.reply(to: path) }
        future.assumeIsolated().whenComplete { result in
            switch result {
            case let .success(reply):
                self.respond(reply, to: head, close: !head.isKeepAlive, context: context)
            case let .failure(error):
                self.respond(.text(.internalServerError, "\(error)"), to: head, close: true, context: context)
            }
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
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if close {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        } else {
            armDeadline(context: context)
        }
    }

    /// Closes the connection unless a request head arrives within the idle timeout.
    private func armDeadline(context: ChannelHandlerContext) {
        deadline?.cancel()
        let timeout = TimeAmount.nanoseconds(Int64(limits.idleTimeout * 1e9))
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }
}
