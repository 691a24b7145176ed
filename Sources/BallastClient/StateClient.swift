import BallastMetrics
import FoundationEssentials

/// Fetches `/v1/state` from a running daemon, for `ballast status` and `explain`.
public enum StateClient {
    public static let defaultURL = "http://\(MetricsServer.defaultHost):\(MetricsServer.defaultPort)"

    /// The decoded state document.
    public static func fetch(baseURL: String, timeout: Duration = .seconds(5)) async throws(StateClientError)
        -> StateDocument {
        let (url, body) = try await fetchBody(baseURL: baseURL, timeout: timeout)
        do {
            return try JSONDecoder().decode(StateDocument.self, from: Data(body))
        } catch {
            throw .unreadableDocument(url: url, reason: "\(error)")
        }
    }

    /// The document as the daemon sent it, for `ballast status --json`.
    public static func fetchJSON(baseURL: String, timeout: Duration = .seconds(5)) async throws(StateClientError)
        -> String {
        String(decoding: try await fetchBody(baseURL: baseURL, timeout: timeout).body, as: UTF8.self)
    }

    private static func fetchBody(baseURL: String, timeout: Duration) async throws(StateClientError)
        -> (url: String, body: [UInt8]) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        let url = base + "/v1/state"
        let response: HTTPResponse
        do {
            response = try await HTTPClient.request(url: url, timeout: timeout)
        } catch let .cannotConnect(host, port, reason) {
            throw .daemonUnreachable(host: host, port: port, reason: reason)
        } catch {
            throw .request(error)
        }
        guard response.status == 200 else {
            throw .status(url: url, status: response.status, body: String(response.bodyText.prefix(200)))
        }
        return (url, response.body)
    }
}
