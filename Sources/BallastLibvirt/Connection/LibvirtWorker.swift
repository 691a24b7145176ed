import Foundation

/// The one thread on which every blocking libvirt call runs. libvirt calls
/// block (RPC to libvirtd) and keep their last error in thread-local storage, so
/// they must not run on Swift's cooperative pool: a job runs here, reads its own
/// error on this thread, and resumes its caller through a continuation.
///
/// `State` is created on the thread and never leaves it: jobs receive it as an
/// argument, so libvirt pointers stay confined to this thread.
final class LibvirtWorker<State: AnyObject>: @unchecked Sendable {
    typealias Job = @Sendable (State) -> Void

    // `jobs` and `stopping` are guarded by `condition`.
    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false

    init(name: String, makeState: @escaping @Sendable () -> State) {
        let thread = Thread { [self] in
            let state = makeState()
            self.run(state)
        }
        thread.name = name
        thread.start()
    }

    /// Queues a job; false if the worker has been stopped (the job will not run).
    @discardableResult
    func submit(_ job: @escaping Job) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping else { return false }
        jobs.append(job)
        condition.signal()
        return true
    }

    /// Lets queued jobs finish, then ends the thread. Later submits are refused.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run(_ state: State) {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job(state)
        }
    }
}
