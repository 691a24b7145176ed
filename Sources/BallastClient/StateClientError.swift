/// Why `ballast status` or `explain` could not read the daemon's state, with
/// what to check next.
public enum StateClientError: Error, CustomStringConvertible, Sendable {
    /// Nothing accepts connections at the endpoint's address.
    case daemonUnreachable(host: String, port: Int, reason: String)
    /// The request failed after connecting, or the URL is wrong.
    case request(HTTPClientError)
    /// The endpoint answered with a status other than 200.
    case status(url: String, status: Int, body: String)
    /// The body is not a state document this build can decode.
    case unreadableDocument(url: String, reason: String)

    public var description: String {
        switch self {
        case let .daemonUnreachable(host, port, reason):
            "cannot reach the daemon at \(host):\(port): \(reason); is `ballast run` running with its endpoint "
                + "there? It listens where its `listen` setting (or --listen) says; point this command at it "
                + "with --url http://HOST:PORT"
        case let .request(error):
            "\(error)"
        case let .status(url, status, body):
            "\(url) answered \(status): \(body)"
        case let .unreadableDocument(url, reason):
            "\(url) sent a state document this ballast cannot read: \(reason); "
                + "are the daemon and this command the same version?"
        }
    }
}
