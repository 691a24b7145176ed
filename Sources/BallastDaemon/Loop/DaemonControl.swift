#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// Requests that reach the daemon loop from outside it: stop (SIGTERM,
/// SIGINT) and reload (SIGHUP). Signals are caught with Dispatch sources (not
/// on the cooperative pool) and only set flags here; the loop reads them
/// between ticks, so a stop always finishes the tick in progress.
public final class DaemonControl: Sendable {
    private struct Pending {
        var stop = false
        var reload = false
    }

    private let pending = Mutex(Pending())
    private let sources = Mutex<SignalSources?>(nil)

    public init() {}

    /// Starts catching SIGTERM, SIGINT (stop) and SIGHUP (reload).
    public func installSignalHandlers() {
        let queue = DispatchQueue(label: "ballast.signals")
        var installed: [any DispatchSourceSignal] = []
        for (number, isReload) in [(SIGTERM, false), (SIGINT, false), (SIGHUP, true)] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [weak self] in
                if isReload { self?.requestReload() } else { self?.requestStop() }
            }
            source.resume()
            installed.append(source)
        }
        let keep = SignalSources(installed)
        sources.withLock { $0 = keep }
    }

    public func requestStop() { pending.withLock { $0.stop = true } }
    public func requestReload() { pending.withLock { $0.reload = true } }

    public var stopRequested: Bool { pending.withLock { $0.stop } }

    /// Returns true once per reload request.
    public func takeReloadRequest() -> Bool {
        pending.withLock { state in
            defer { state.reload = false }
            return state.reload
        }
    }

    /// Sleeps until `deadline`, until a stop or reload is requested or until `wakeWhen`
    /// says so (an urgent tick is due), checking every `slice` (latency at most one slice).
    public func sleep(until deadline: ContinuousClock.Instant, slice: Duration = .milliseconds(50),
                      wakeWhen: @Sendable () -> Bool = { false }) async {
        let clock = ContinuousClock()
        while clock.now < deadline {
            let wake = pending.withLock { $0.stop || $0.reload } || wakeWhen()
            if wake || Task.isCancelled { return }
            let next = min(deadline, clock.now.advanced(by: slice))
            try? await Task.sleep(until: next, clock: clock)
        }
    }
}

/// Keeps Dispatch signal sources alive. `@unchecked Sendable` because the
/// array is immutable after creation and each source is only driven by its own queue.
final class SignalSources: @unchecked Sendable {
    let sources: [any DispatchSourceSignal]

    init(_ sources: [any DispatchSourceSignal]) {
        self.sources = sources
    }
}
