#if canImport(Glibc)
import Glibc
#endif
import CLibvirt
import NIOPosix
import Synchronization

/// libvirt's default event loop, run on a thread of its own (not Swift's cooperative
/// pool, not a connection's libvirt thread): libvirt delivers domain events, the close
/// callback and keep-alive through it. libvirt allows one event implementation per
/// process, registered before the first connection that wants events opens, so this is a
/// process-wide singleton; `acquire()` starts it, the matching `release()` of the last
/// user stops and joins its thread. Every libvirt event call (registering the
/// implementation, the wake handle) is made on that thread: the caller's thread, often
/// one of Swift's cooperative pool, only writes a byte to the wake pipe.
public final class LibvirtEventLoop: Sendable {
    public static let shared = LibvirtEventLoop()

    private struct State {
        /// nil until the loop's thread first tried `virEventRegisterDefaultImpl`; then why
        /// it failed, or "" when it succeeded.
        var registration: String?
        var users = 0
        var running: Running?
    }

    /// One run of the loop's thread.
    private struct Running {
        var thread: NIOThreadPool
        var stop: StopFlag
        var wake: WakePipe
    }

    private let state = Mutex(State())

    private init() {}

    /// Starts the loop if it is not running; returns why events are unavailable, if they are.
    @discardableResult
    public func acquire() -> String? {
        let started: Bool = state.withLock { state in
            if let failure = state.registration, !failure.isEmpty { return false }
            state.users += 1
            guard state.running == nil else { return false }
            guard let wake = WakePipe() else {
                state.users -= 1
                state.registration = state.registration ?? "cannot make the event loop's wake pipe"
                return false
            }
            let stop = StopFlag()
            let thread = NIOThreadPool(numberOfThreads: 1)
            thread.start()
            let registered = state.registration != nil
            let readEnd = wake.readEnd
            thread.submit { [self] _ in
                if !registered {
                    let failure = virEventRegisterDefaultImpl() < 0
                        ? "virEventRegisterDefaultImpl failed: \(LibvirtError.capture(operation: "virEventRegisterDefaultImpl", connection: nil))"
                        : ""
                    self.state.withLock { $0.registration = failure }
                    if !failure.isEmpty { return }
                }
                let watch = ballast_add_wake_handle(readEnd)
                while !stop.isSet {
                    // Blocks until a file descriptor or timeout of the loop is due.
                    if virEventRunDefaultImpl() < 0 { break }
                }
                if watch >= 0 { _ = virEventRemoveHandle(watch) }
            }
            state.running = Running(thread: thread, stop: stop, wake: wake)
            return true
        }
        // The first start registers libvirt's implementation on the loop's thread; wait
        // for it (microseconds), since a connection that wants events must open after it.
        while state.withLock({ $0.registration == nil && $0.running != nil }) { usleep(200) }
        return state.withLock { state -> String? in
            guard let failure = state.registration, !failure.isEmpty else { return nil }
            if started { state.users -= 1 }
            return failure
        }
    }

    /// How many users hold the loop and whether its thread runs, read together (tests).
    var status: (users: Int, isRunning: Bool) { state.withLock { ($0.users, $0.running != nil) } }

    /// One user fewer; the last one stops the loop and waits for its thread to end.
    public func release() {
        let ending: Running? = state.withLock { state in
            guard state.users > 0 else { return nil }
            state.users -= 1
            guard state.users == 0 else { return nil }
            defer { state.running = nil }
            return state.running
        }
        guard let ending else { return }
        ending.stop.set()
        ending.wake.wake()
        try? ending.thread.syncShutdownGracefully()
        // The thread has ended and removed its watch on the read end: both ends can go.
        ending.wake.close()
    }
}

/// A flag the event loop's thread reads after each turn of the loop.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
