import NIOCore

/// Tells `MetricsHTTPHandler` that bytes of a request arrived, before the HTTP
/// decoder has a whole head to hand on: a kept-alive connection that starts a
/// request leaves its idle timeout for the shorter header deadline, so a client
/// cannot dribble a request head for longer than `headerTimeout`.
final class RequestBytesSignal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The user event fired ahead of every read that carries bytes.
    struct BytesArrived: Sendable {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if unwrapInboundIn(data).readableBytes > 0 {
            context.fireUserInboundEventTriggered(BytesArrived())
        }
        context.fireChannelRead(data)
    }
}
