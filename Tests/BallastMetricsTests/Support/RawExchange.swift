import NIOCore
import NIOPosix

/// Raw bytes over TCP, for requests no HTTP client would write (oversized heads,
/// bodies, pipelining, half a request line): sends `bytes` and returns everything
/// the server sends until it closes, or what arrived when `timeout` ran out.
enum RawExchange {
    static func send(_ bytes: [UInt8], host: String = "127.0.0.1", port: Int, timeout: Duration) async throws -> [UInt8] {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let done = loop.makePromise(of: [UInt8].self)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(TimeAmount(timeout))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(CollectingHandler(done))
                    }
                }
                .connect(host: host, port: port).get()
        } catch {
            done.fail(error)
            throw error
        }
        let timer = channel.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            channel.close(promise: nil)
        }
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        let received = try await done.futureResult.get()
        timer.cancel()
        return received
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
