import Synchronization

/// Waits for `operation` at most `seconds`: its result, or nil when the time ran out.
/// A libvirt call cannot be interrupted, so the operation is left to finish on its own;
/// only the caller stops waiting for it (that is what bounds `ballast doctor`'s connect).
func withinDeadline<T: Sendable>(seconds: Double, _ operation: @escaping @Sendable () async -> T) async -> T? {
    await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
        let once = ResumeOnce(continuation)
        let timer = Task {
            try? await Task.sleep(for: .seconds(seconds))
            once.resume(nil)
        }
        Task {
            once.resume(await operation())
            timer.cancel()
        }
    }
}

/// A continuation resumed by whichever of two tasks comes first; later calls do nothing.
private final class ResumeOnce<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T?, Never>?>

    init(_ continuation: CheckedContinuation<T?, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ value: T?) {
        continuation.withLock { pending in
            pending?.resume(returning: value)
            pending = nil
        }
    }
}
