#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOPosix
import Synchronization

/// A loopback server that answers each connection's first bytes with a fixed
/// reply (then closes), or never answers: the responses a real Ballast endpoint
/// does not send, for the client's error paths.
final class ScriptedServer: Sendable {
    let port: Int
    private let channel: any Channel
    private let requests: RequestLog

    /// `reply: nil` keeps every connection open and silent.
    init(reply: String?) async throws {
        let requests = RequestLog()
        let bytes = reply.map { Array($0.utf8) }
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ReplyHandler(reply: bytes, log: requests))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        self.requests = requests
        port = channel.localAddress?.port ?? 0
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The request bytes each connection sent before the reply, as text.
    var received: [String] { requests.entries.withLock { $0 } }

    func stop() async {
        try? await channel.close()
    }

}

/// A loopback port bound but never listening: connecting to it is refused, and no
/// other test (or server) can take the port while this value lives, as it could a
/// port closed and handed back to the system.
final class RefusingPort {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw PortError(what: "socket", code: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(descriptor, raw, length) == 0 && getsockname(descriptor, raw, &length) == 0
            }
        }
        guard bound else {
            let code = errno
            close(descriptor)
            throw PortError(what: "bind", code: code)
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(descriptor) }

    struct PortError: Error {
        var what: String
        var code: Int32
    }
}

/// What the server was sent, shared with its connections' handlers.
private final class RequestLog: Sendable {
    let entries = Mutex<[String]>([])
}

/// Writes the scripted reply on a connection's first read and closes it.
private final class ReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let reply: [UInt8]?
    private let log: RequestLog
    private var answered = false

    init(reply: [UInt8]?, log: RequestLog) {
        self.reply = reply
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let request = String(buffer: unwrapInboundIn(data))
        log.entries.withLock { $0.append(request) }
        guard let reply, !answered else { return }
        answered = true
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: reply))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
