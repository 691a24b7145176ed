import BallastMetrics
import FoundationEssentials

/// Fetches and decodes `/v1/state` from a running daemon, for `ballast status` and `explain`.
public enum StateClient {
    public static let defaultURL = "http://\(MetricsServer.defaultHost):\(MetricsServer.defaultPort)"

    public static func fetch(baseURL: String, timeout: Double = 5) async throws -> StateDocument {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        let url = base + "/v1/state"
        let response = try await SimpleHTTPClient.request(url: url, timeout: timeout)
        guard response.status == 200 else {
            throw HTTPClientError(description: "\(url) answered \(response.status): \(response.bodyText.prefix(200))")
        }
        do {
            return try JSONDecoder().decode(StateDocument.self, from: Data(response.body))
        } catch {
            throw HTTPClientError(description: "\(url) sent a state document this ballast cannot read: \(error); "
                + "are the daemon and this command the same version?")
        }
    }
}
