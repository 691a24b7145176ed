import BallastCore
import Logging

/// Closes the backend before the process exits (`Backend.shutdown`: for libvirt, its
/// connection and threads, which must not still be ending while `exit()` runs the
/// libraries' destructors). Bounded, because a libvirtd that stopped answering holds the
/// close behind its call and the stop must still end: past `timeout` the process exits
/// with the connection open, and says so.
struct BackendShutdown: Sendable {
    /// The most the close may take, in seconds.
    var timeout: Double = 10
    let logger: Logger

    /// Whether the backend closed within `timeout`.
    @discardableResult
    func run(_ backend: any Backend) async -> Bool {
        let shutdown = Task<Void, any Error> { await backend.shutdown() }
        guard (try? await DeadlineRace.value(of: shutdown, within: timeout)) != nil else {
            logger.warning("the backend did not close in time (libvirtd not answering?); exiting with its connection open",
                           metadata: ["timeout_s": "\(timeout)"])
            return false
        }
        return true
    }
}
