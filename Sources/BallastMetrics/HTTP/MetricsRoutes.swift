import BallastCore
import FoundationEssentials
import NIOCore
import NIOHTTP1

/// One HTTP answer before it is framed: status, content type and body.
struct HTTPReply: Sendable {
    var status: HTTPResponseStatus
    var contentType: String
    var body: ByteBuffer
    var extraHeaders: [(String, String)] = []

    static func text(_ status: HTTPResponseStatus, _ message: String) -> HTTPReply {
        HTTPReply(status: status, contentType: "text/plain; charset=utf-8", body: ByteBuffer(string: message + "\n"))
    }
}

/// What each path of the endpoint answers. Reads the state actor only for a
/// snapshot; rendering and encoding happen outside it.
struct MetricsRoutes: Sendable {
    let state: ObservabilityState

    func reply(to path: String) async -> HTTPReply {
        switch path {
        case "/metrics":
            let snapshot = await state.metricsSnapshot()
            return HTTPReply(status: .ok, contentType: PrometheusRenderer.contentType,
                             body: ByteBuffer(bytes: PrometheusRenderer.render(snapshot)))
        case "/healthz":
            let health = await state.health()
            var text = health.healthy ? "ok" : health.reason
            if state.backend?.isSimulated == true { text += " (\(BackendIdentity.simulatedBanner))" }
            return .text(health.healthy ? .ok : .serviceUnavailable, text)
        case "/v1/state":
            let document = await state.stateDocument()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            do {
                return HTTPReply(status: .ok, contentType: "application/json",
                                 body: ByteBuffer(bytes: try encoder.encode(document)))
            } catch {
                return .text(.internalServerError, "cannot encode the state document: \(error)")
            }
        default:
            return .text(.notFound, "no such path \(path); try /metrics, /healthz or /v1/state")
        }
    }
}
