import BallastMetrics
import Foundation
import Synchronization

/// Loopback ports for servers the tests start. Chosen below Linux's ephemeral
/// range (32768-60999), so that the many outgoing connections other tests make
/// at the same time cannot be handed the same port between the probe and the
/// server's own bind; checked free by binding it briefly.
enum LoopbackPort {
    private static let next = Mutex(20_000 + Int(getpid() % 500) * 20)

    static func free() async throws -> Int {
        for _ in 0..<200 {
            let candidate = next.withLock { port -> Int in
                defer { port = port >= 32_000 ? 20_000 : port + 1 }
                return port
            }
            let probe = MetricsServer(host: "127.0.0.1", port: candidate, state: ObservabilityState(interval: 1))
            if (try? await probe.start()) != nil {
                await probe.stop()
                return candidate
            }
        }
        throw ToolFailure(description: "no free loopback port between 20000 and 32000")
    }
}
