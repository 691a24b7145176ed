import BallastCore
import Synchronization

/// Requests for a tick now, from any thread (libvirt's event thread, the pressure
/// trigger thread, the backend): collected here by cause and handed to the daemon loop,
/// which runs one urgent tick for all of them, at most `maximumPerSecond` per second
/// (`UrgentTickLimiter`). A sink, so producers reach it through the daemon's event fan-out.
public final class UrgentTickRequests: BalancerEventSink {
    private struct State {
        var pending: Set<UrgentTickCause> = []
        var limiter: UrgentTickLimiter
    }

    private let state: Mutex<State>
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    public init(maximumPerSecond: Double) {
        state = Mutex(State(limiter: UrgentTickLimiter(maximumPerSecond: maximumPerSecond)))
        origin = clock.now
    }

    public func record(_ event: BalancerEvent) {
        guard case .urgentTickRequested(let cause, _) = event else { return }
        state.withLock { _ = $0.pending.insert(cause) }
    }

    /// A new rate (config reload); 0 stops urgent ticks.
    public func setMaximumPerSecond(_ value: Double) {
        state.withLock { $0.limiter.maximumPerSecond = value }
    }

    /// Whether an urgent tick is wanted and allowed now.
    public var due: Bool {
        let now = seconds()
        return state.withLock { !$0.pending.isEmpty && $0.limiter.allows(at: now) }
    }

    /// Called as a tick starts. For an urgent tick (`regular` false) returns the causes it
    /// serves, or nothing when none is due (then no urgent tick runs). A regular tick
    /// serves whatever is pending and returns nothing: it is not an urgent tick.
    public func tickStarting(regular: Bool) -> [UrgentTickCause] {
        let now = seconds()
        return state.withLock { state in
            if !regular, state.pending.isEmpty || !state.limiter.allows(at: now) { return [] }
            let causes = state.pending.sorted()
            state.pending = []
            state.limiter.tickStarted(at: now)
            return regular ? [] : causes
        }
    }

    private func seconds() -> Double {
        (clock.now - origin).seconds
    }
}
