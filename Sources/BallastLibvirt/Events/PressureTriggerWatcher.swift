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
    /// A pipe: a byte written to `wakeWrite` ends the thread's `poll()` on `wakeRead`.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let thread: NIOThreadPool
    private let fired: @Sendable (String) -> Void

    /// nil when no pipe can be made (then no trigger is watched; polling carries on).
    init?(fired: @escaping @Sendable (String) -> Void) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return nil }
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeRead = ends[0]
        wakeWrite = ends[1]
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
        _ = Glibc.close(wakeRead)
        _ = Glibc.close(wakeWrite)
    }

    private func signal() {
        var one: UInt8 = 1
        _ = write(wakeWrite, &one, 1)
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
            var descriptors = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            descriptors += triggers.map { pollfd(fd: $0.descriptor, events: Int16(POLLPRI), revents: 0) }
            let ready = poll(&descriptors, nfds_t(descriptors.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if descriptors[0].revents != 0 {
                var drained = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &drained, drained.count) > 0 {}
            }
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
