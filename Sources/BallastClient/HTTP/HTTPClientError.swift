import BallastCore

/// Why a request to an HTTP endpoint failed, in words an operator can act on.
public enum HTTPClientError: Error, CustomStringConvertible, Sendable {
    /// The URL is not `http://HOST:PORT[/path]`.
    case invalidURL(String, problem: String)
    /// No TCP connection could be made (refused, unreachable, unknown name, or no
    /// connection within the deadline).
    case cannotConnect(host: String, port: Int, reason: String)
    /// Connected, but no complete response arrived within the deadline.
    case timedOut(url: String, after: Duration)
    /// The response (declared or received) is larger than the client reads.
    case responseTooLarge(url: String, limit: Int)
    /// The bytes that came back are not an HTTP/1 response.
    case malformedResponse(url: String, reason: String)
    /// The connection ended or failed before the response was complete.
    case connectionLost(url: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidURL(url, problem):
            "URL \(url) \(problem)"
        case let .cannotConnect(host, port, reason):
            "cannot connect to \(host):\(port): \(reason)"
        case let .timedOut(url, after):
            "\(url) sent no complete response within \(after)"
        case let .responseTooLarge(url, limit):
            "\(url) sent a response larger than \(HumanFormat.bytes(UInt64(max(0, limit)))), the most this client reads"
        case let .malformedResponse(url, reason):
            "\(url) answered with something that is not an HTTP/1 response (\(reason))"
        case let .connectionLost(url, reason):
            "\(url) closed the connection before its response was complete (\(reason))"
        }
    }
}
