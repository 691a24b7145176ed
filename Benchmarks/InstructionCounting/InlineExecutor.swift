import Synchronization

/// Runs every job of one task tree on the calling thread, actors' jobs included
/// (they follow the task's executor preference): the counters never start
/// libdispatch's thread pool, which does not start its worker threads under valgrind 3.19.
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
