/// At most `maximumPerSecond` urgent ticks per second for the whole host: requests
/// that arrive closer together are coalesced into the next allowed tick, whatever
/// their number (a burst of 1,000 libvirt events is one or two ticks). Pure: the
/// caller passes the time, so the daemon loop and the tests share it.
public struct UrgentTickLimiter: Sendable, Hashable {
    /// 0 turns urgent ticks off.
    public var maximumPerSecond: Double
    /// When the last tick (urgent or regular) started, seconds on the caller's clock.
    public private(set) var lastTick: Double?

    public init(maximumPerSecond: Double) {
        self.maximumPerSecond = maximumPerSecond
    }

    /// Seconds that must separate two tick starts for an urgent one to run.
    public var spacing: Double {
        maximumPerSecond > 0 ? 1 / maximumPerSecond : .infinity
    }

    /// The earliest time an urgent tick may start, given the last tick.
    public func earliestUrgentTick() -> Double {
        guard let lastTick else { return maximumPerSecond > 0 ? -.infinity : .infinity }
        return lastTick + spacing
    }

    /// Whether an urgent tick may start at `now`.
    public func allows(at now: Double) -> Bool {
        now >= earliestUrgentTick()
    }

    /// Records that a tick (of either kind) started at `now`.
    public mutating func tickStarted(at now: Double) {
        lastTick = now
    }
}
