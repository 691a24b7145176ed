/// The bounds the metrics endpoint enforces so that a misbehaving client can
/// cost it little: header size, connections, time to send a request.
public struct MetricsServerLimits: Sendable, Hashable {
    /// Largest request head (all header names and values), bytes; larger gets 431.
    public var maxHeaderBytes: Int
    /// Largest request target, bytes; longer gets 414.
    public var maxURIBytes: Int
    /// Open connections at most; further ones are closed on accept.
    public var maxConnections: Int
    /// Seconds a connection may take to deliver a request head, and may sit idle
    /// between requests, before it is closed.
    public var idleTimeout: Double

    public init(maxHeaderBytes: Int = 8192, maxURIBytes: Int = 2048, maxConnections: Int = 64,
                idleTimeout: Double = 10) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxURIBytes = maxURIBytes
        self.maxConnections = maxConnections
        self.idleTimeout = idleTimeout
    }
}
