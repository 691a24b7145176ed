import Foundation
@testable import BallastLibvirt

/// A connection's thread as the kernel lists it, for the shutdown tests.
enum ThreadTask {
    /// Whether `task` (a /proc/PID/task/TID path) leaves /proc within 2 s. A join returns
    /// when the kernel clears the thread's id, a moment before the thread leaves
    /// /proc/self/task; a thread nobody ended (an idle pool thread) never leaves.
    static func ends(_ task: String) -> Bool {
        for _ in 0..<400 {
            if access(task, F_OK) != 0 { return true }
            usleep(5_000)
        }
        return false
    }
}

extension LibvirtConnection {
    /// The /proc/PID/task/TID path of the thread this connection's jobs run on.
    func threadTask() async throws -> String {
        let link = try await perform("thread") { _ in
            try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")
        }
        guard let link else { throw CocoaError(.fileReadUnknown) }
        return "/proc/\(link)"
    }
}
