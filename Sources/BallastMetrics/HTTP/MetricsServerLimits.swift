/// The bounds the metrics endpoint enforces so that a misbehaving client can
/// cost it little: header size, connections, time to send a request.
public struct MetricsServerLimits: Sendable, Hashable {
    /// Largest request head (all header names and values), bytes; larger gets 431.
    public var maxHeaderBytes: Int
    /// Largest request target, bytes; longer gets 414.
    public var maxURIBytes: Int
    /// Open connections at most. At the bound the connection idle longest is closed
    /// to admit a new one; a new one is refused only when every open one is serving a request.
    public var maxConnections: Int
    /// Seconds a connection may take to deliver a complete request head, counted from
    /// its accept, or from the first byte of a later request on a kept-alive connection.
    /// 10 s: twice the CLI client's own timeout, so a client delayed by a busy machine is
    /// not cut off; shedding at `maxConnections`, not this deadline, keeps `/healthz`
    /// answered under a flood of idle connections.
    public var headerTimeout: Double
    /// Seconds a kept-alive connection may sit idle between requests before it is closed.
    public var idleTimeout: Double

    public init(maxHeaderBytes: Int = 8192, maxURIBytes: Int = 2048, maxConnections: Int = 64,
                headerTimeout: Double = 10, idleTimeout: Double = 10) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxURIBytes = maxURIBytes
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }
}
