#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A first-in, first-out queue of jobs that one dedicated thread drains,
/// sleeping while it is empty. It exists for C libraries whose calls block and
/// keep per-thread state (libvirt's last error): every job runs on the same
/// thread, in the order submitted.
///
/// Built on a pthread mutex and condition variable (see `DedicatedThread` for why
/// not Foundation's `NSCondition`).
public final class BlockingJobQueue<State: AnyObject>: @unchecked Sendable {
    public typealias Job = @Sendable (State) -> Void

    // `jobs`, `head` and `stopping` are guarded by `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let nonEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [Job] = []
    private var head = 0
    private var stopping = false

    /// Starts the thread named `name`; `makeState` runs on it first and its result
    /// is handed to every job, so what it creates never leaves that thread.
    /// Returns nil if the OS refused a thread.
    public init?(name: String, makeState: @escaping @Sendable () -> State) {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(nonEmpty, nil)
        let started = DedicatedThread.start(name: name) { [self] in
            run(makeState())
        }
        if !started { return nil }
    }

    deinit {
        pthread_cond_destroy(nonEmpty)
        pthread_mutex_destroy(mutex)
        nonEmpty.deallocate()
        mutex.deallocate()
    }

    /// Queues a job; false if the queue has been stopped (the job will not run).
    @discardableResult
    public func submit(_ job: @escaping Job) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !stopping else { return false }
        jobs.append(job)
        pthread_cond_signal(nonEmpty)
        return true
    }

    /// Lets queued jobs finish, then ends the thread. Later submits are refused.
    public func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(nonEmpty)
        pthread_mutex_unlock(mutex)
    }

    private func run(_ state: State) {
        while true {
            pthread_mutex_lock(mutex)
            while head == jobs.count && !stopping { pthread_cond_wait(nonEmpty, mutex) }
            if head == jobs.count {
                pthread_mutex_unlock(mutex)
                return
            }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            pthread_mutex_unlock(mutex)
            job(state)
        }
    }
}
