import CLibvirt
import NIOPosix
import Synchronization

/// libvirt's default event loop, run on a thread of its own (not Swift's cooperative
/// pool, not a connection's libvirt thread): libvirt delivers domain events, the close
/// callback and keep-alive through it. libvirt allows one event implementation per
/// process, registered before the first connection that wants events opens, so this is a
/// process-wide singleton; `acquire()` starts it, the matching `release()` of the last
/// user stops and joins its thread (a wake timeout makes `virEventRunDefaultImpl` return).
public final class LibvirtEventLoop: Sendable {
    public static let shared = LibvirtEventLoop()

    private struct State {
        var registered = false
        var users = 0
        var thread: NIOThreadPool?
        var stopping: StopFlag?
        /// Set when `virEventRegisterDefaultImpl` failed: events stay off, polling carries on.
        var failure: String?
    }

    private let state = Mutex(State())

    private init() {}

    /// Starts the loop if it is not running; returns why events are unavailable, if they are.
    @discardableResult
    public func acquire() -> String? {
        state.withLock { state in
            if !state.registered {
                if virEventRegisterDefaultImpl() < 0 {
                    state.failure = "virEventRegisterDefaultImpl failed: \(LibvirtError.capture(operation: "virEventRegisterDefaultImpl", connection: nil))"
                    return state.failure
                }
                state.registered = true
            }
            state.users += 1
            if state.thread == nil {
                let stop = StopFlag()
                let thread = NIOThreadPool(numberOfThreads: 1)
                thread.start()
                thread.submit { _ in
                    while !stop.isSet {
                        // Blocks until a file descriptor or timeout of the loop is due.
                        if virEventRunDefaultImpl() < 0 { break }
                    }
                }
                state.thread = thread
                state.stopping = stop
            }
            return nil
        }
    }

    /// Whether the loop's thread runs (for tests and `ballast doctor`).
    public var isRunning: Bool { state.withLock { $0.thread != nil } }

    /// One user fewer; the last one stops the loop and waits for its thread to end.
    public func release() {
        let ending: (NIOThreadPool, StopFlag)? = state.withLock { state in
            guard state.users > 0 else { return nil }
            state.users -= 1
            guard state.users == 0, let thread = state.thread, let stop = state.stopping else { return nil }
            state.thread = nil
            state.stopping = nil
            return (thread, stop)
        }
        guard let (thread, stop) = ending else { return }
        stop.set()
        let timer = ballast_add_wake_timeout()
        try? thread.syncShutdownGracefully()
        if timer >= 0 { _ = virEventRemoveTimeout(timer) }
    }
}

/// A flag the event loop's thread reads after each turn of the loop.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
