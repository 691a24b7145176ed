import Synchronization

/// Runs every job of one task tree on the calling thread, actors' jobs included
/// (a default actor runs on its caller's task executor preference), so that an
/// instruction counter never starts libdispatch's thread pool. A job enqueued
/// anywhere else (a main-actor closure) would never run: that stops the counter.
final class InlineExecutor: TaskExecutor {
    private let jobs = Mutex<[UnownedJob]>([])

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        jobs.withLock { $0.append(job) }
    }

    /// Runs `body` to completion on this thread and returns its result.
    func run<Result: Sendable>(_ body: sending @escaping () async -> Result) -> Result {
        let result = Mutex<Result?>(nil)
        Task(executorPreference: self) {
            let value = await body()
            result.withLock { $0 = value }
        }
        while true {
            if let value = result.withLock({ $0 }) { return value }
            let next = jobs.withLock { $0.isEmpty ? nil : $0.removeFirst() }
            guard let next else {
                preconditionFailure("a counted workload waited for a job outside its own task (a main-actor closure?)")
            }
            next.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
