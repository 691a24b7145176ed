#if canImport(Glibc)
import Glibc
#endif
import BallastCgroups
import NIOPosix
import Synchronization

/// Waits on armed PSI triggers with `poll()` (POLLPRI) on a thread of its own and calls
/// `fired` with the trigger's path each time one fires (from that thread: `fired` must be
/// cheap and must not block). Triggers are added and removed from any thread; a wake descriptor
/// (the read end of a pipe) in the poll set wakes the thread to take the new set or to stop. A trigger whose file
/// went away (its cgroup was removed: POLLERR) is closed and dropped.
final class PressureTriggerWatcher: Sendable {
    private struct Shared {
        var triggers: [String: PressureTrigger] = [:]
        /// Removed but perhaps still in the thread's poll set: closed by the thread.
        var retired: [PressureTrigger] = []
        var stopping = false
    }

    private let shared = Mutex(Shared())
    /// A byte written to it ends the thread's `poll()`.
    private let wakePipe: WakePipe
    private let thread: NIOThreadPool
    private let fired: @Sendable (String) -> Void

    /// nil when no pipe can be made (then no trigger is watched; polling carries on).
    init?(fired: @escaping @Sendable (String) -> Void) {
        guard let wakePipe = WakePipe() else { return nil }
        self.wakePipe = wakePipe
        self.fired = fired
        thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        thread.submit { [self] _ in run() }
    }

    /// Watches `trigger` (replacing and closing one armed earlier on the same path).
    func add(_ trigger: PressureTrigger) {
        shared.withLock { state in
            if let replaced = state.triggers.updateValue(trigger, forKey: trigger.path) { state.retired.append(replaced) }
        }
        signal()
    }

    /// Stops watching and closes the trigger on `path`, if any.
    func remove(path: String) {
        shared.withLock { state in
            if let removed = state.triggers.removeValue(forKey: path) { state.retired.append(removed) }
        }
        signal()
    }

    /// The paths watched now.
    var paths: [String] { shared.withLock { $0.triggers.keys.sorted() } }

    /// Ends the thread, closes every trigger and waits for the thread to end.
    func stop() {
        let first = shared.withLock { state -> Bool in
            defer { state.stopping = true }
            return !state.stopping
        }
        guard first else { return }
        signal()
        try? thread.syncShutdownGracefully()
        let triggers = shared.withLock { state in
            defer {
                state.triggers = [:]
                state.retired = []
            }
            return Array(state.triggers.values) + state.retired
        }
        for trigger in triggers { trigger.close() }
        wakePipe.close()
    }

    private func signal() {
        wakePipe.wake()
    }

    /// The thread's loop: poll the wake descriptor and every trigger, forever until stopped.
    private func run() {
        while true {
            let (stopping, triggers, retired) = shared.withLock { state in
                defer { state.retired = [] }
                return (state.stopping, Array(state.triggers.values), state.retired)
            }
            for trigger in retired { trigger.close() }
            if stopping { return }
            var descriptors = [pollfd(fd: wakePipe.readEnd, events: Int16(POLLIN), revents: 0)]
            descriptors += triggers.map { pollfd(fd: $0.descriptor, events: Int16(POLLPRI), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[0].revents != 0 { wakePipe.drain() }
            for (index, trigger) in triggers.enumerated() {
                let events = descriptors[index + 1].revents
                if events & Int16(POLLERR | POLLNVAL | POLLHUP) != 0 {
                    remove(path: trigger.path)
                } else if events & Int16(POLLPRI) != 0 {
                    fired(trigger.path)
                }
            }
        }
    }
}
