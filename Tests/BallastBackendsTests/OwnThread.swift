import Foundation

/// Runs blocking or long synchronous work (a child process, loading hundreds of trace
/// files) on a thread of its own, so that it never holds one of the few threads Swift
/// concurrency shares with the other suites running in parallel (their HTTP clients and
/// servers wait on those threads).
enum OwnThread {
    static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
