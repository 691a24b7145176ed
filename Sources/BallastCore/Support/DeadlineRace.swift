import Synchronization

/// Waits for a task's value for at most `seconds`, without cancelling the task
/// when the time runs out: a plugin's start-up continues in the background
/// while the tick moves on, and `ballast doctor` stops waiting for a libvirt
/// connect that cannot be interrupted. (A task group cannot do this: it awaits its
/// children, and `Task.value` ignores cancellation.) The timer is a task
/// sleeping on the continuous clock, as a request's deadline is, cancelled as
/// soon as the race is decided.
public enum DeadlineRace {
    /// The task's value, or nil when `seconds` passed first.
    public static func value<T: Sendable>(of task: Task<T, any Error>, within seconds: Double) async throws -> T? {
        let gate = Gate<T>()
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T?, any Error>) in
            gate.arm(continuation)
            timer = Task {
                do {
                    try await Task.sleep(for: .seconds(max(0, seconds)))
                } catch {
                    return
                }
                gate.finish(.success(nil))
            }
            Task {
                do { gate.finish(.success(try await task.value)) } catch { gate.finish(.failure(error)) }
            }
        }
    }

    private final class Gate<T: Sendable>: Sendable {
        private let slot = Mutex<CheckedContinuation<T?, any Error>?>(nil)

        func arm(_ continuation: CheckedContinuation<T?, any Error>) {
            slot.withLock { $0 = continuation }
        }

        func finish(_ result: Result<T?, any Error>) {
            let continuation = slot.withLock { slot in
                let taken = slot
                slot = nil
                return taken
            }
            continuation?.resume(with: result)
        }
    }
}
