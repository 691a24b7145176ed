import NIOCore
import NIOHTTP1
import NIOPosix

/// Why the metrics endpoint could not start, with what to do about it.
public struct MetricsServerError: Error, CustomStringConvertible {
    public var description: String
}

/// The HTTP endpoint: `GET /metrics` (Prometheus text 0.0.4), `GET /healthz`
/// and `GET /v1/state` (JSON). Loopback by default; bounded in header size,
/// connections, time to send a request head and idle time, and at the connection
/// bound the idle connection of longest standing makes room for a new one, so idle
/// clients cannot starve `/healthz`; answers from snapshots of `ObservabilityState`,
/// so no client can hold up a tick. It runs on its own one-thread event loop
/// (NIO's shared group would start a thread per core: 64 stacks on a 64-core host).
public actor MetricsServer {
    public static let defaultHost = "127.0.0.1"
    public static let defaultPort = 9477

    public nonisolated let host: String
    public nonisolated let port: Int
    private let state: ObservabilityState
    private let limits: MetricsServerLimits
    private let limiter: ConnectionLimiter
    private var channel: (any Channel)?
    private var group: MultiThreadedEventLoopGroup?

    public init(host: String = MetricsServer.defaultHost, port: Int = MetricsServer.defaultPort,
                state: ObservabilityState, limits: MetricsServerLimits = MetricsServerLimits()) {
        self.host = host
        self.port = port
        self.state = state
        self.limits = limits
        self.limiter = ConnectionLimiter(limit: limits.maxConnections)
    }

    /// Binds and starts serving; returns the port bound (useful with port 0).
    @discardableResult
    public func start() async throws -> Int {
        if let channel, let bound = channel.localAddress?.port { return bound }
        try FileDescriptorRoom.ensure(connections: limits.maxConnections)
        let routes = MetricsRoutes(state: state)
        let limits = self.limits
        let limiter = self.limiter
        let decoderLimits = Self.decoderLimits(limits)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let bootstrap = ServerBootstrap(group: group)
            // A burst of connections waits in the kernel's queue (capped by net.core.somaxconn)
            // instead of overflowing it into one-second SYN retries, a health check's among them.
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                guard case let .admitted(id) = limiter.admit(close: { channel.close(promise: nil) }) else {
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in limiter.release(id) }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(RequestBytesSignal())
                    try sync.addHandler(HTTPResponseEncoder())
                    try sync.addHandler(ByteToMessageHandler(HTTPRequestDecoder(
                        leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .drop,
                        limitConfiguration: decoderLimits)))
                    try sync.addHandler(HTTPServerPipelineHandler())
                    try sync.addHandler(MetricsHTTPHandler(routes: routes, limits: limits, limiter: limiter,
                                                           connectionID: id))
                }
            }
        do {
            let bound = try await bootstrap.bind(host: host, port: port).get()
            channel = bound
            self.group = group
            return bound.localAddress?.port ?? port
        } catch {
            try? await group.shutdownGracefully()
            throw MetricsServerError(description: "cannot listen on \(host):\(port) for the metrics endpoint: \(error); "
                + "choose another address with --listen HOST:PORT (or the config key metrics.listen) "
                + "or stop what already uses this port")
        }
    }

    private static func decoderLimits(_ limits: MetricsServerLimits) -> NIOHTTPDecoderLimitConfiguration {
        var configuration = NIOHTTPDecoderLimitConfiguration()
        configuration.maxHeaderListSize = limits.maxHeaderBytes
        configuration.maxHeaderFieldSize = limits.maxHeaderBytes
        configuration.maxHeaderFieldCount = 100
        return configuration
    }

    /// Stops accepting connections and closes the open ones.
    public func stop() async {
        guard let channel else { return }
        self.channel = nil
        try? await channel.close()
        if let group {
            self.group = nil
            try? await group.shutdownGracefully()
        }
    }

    /// Connections open right now (for tests and diagnostics).
    public nonisolated var openConnections: Int { limiter.current }

    /// Idle connections closed so far to admit new ones at the connection bound.
    public nonisolated var shedConnections: Int { limiter.shedTotal }
}
