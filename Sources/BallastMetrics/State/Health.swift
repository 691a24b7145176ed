import BallastCore

/// Whether the daemon is doing its job, as `/healthz` reports it: healthy
/// while ticks arrive on time, unhealthy with a reason otherwise.
public struct HealthStatus: Sendable, Hashable, Codable {
    public var healthy: Bool
    /// "ok", or what is wrong and since when, in words.
    public var reason: String

    public init(healthy: Bool, reason: String) {
        self.healthy = healthy
        self.reason = reason
    }
}

/// How late a tick may be before the daemon counts as stalled. A tick is due
/// every `interval` seconds; health turns bad after `interval × graceIntervals`
/// without one (so one slow tick is not an outage).
public struct HealthPolicy: Sendable, Hashable {
    public var interval: Double
    public var graceIntervals: Double

    public init(interval: Double, graceIntervals: Double = 3) {
        self.interval = interval
        self.graceIntervals = graceIntervals
    }

    /// Longest acceptable gap between two ticks, seconds.
    public var allowedGap: Double { interval * graceIntervals }
}

/// A monotonic clock in seconds, injectable so tests can stall time.
public protocol SecondsClock: Sendable {
    func now() -> Double
}

/// The real monotonic clock (`ContinuousClock`), in seconds since an arbitrary origin.
public struct MonotonicSecondsClock: SecondsClock {
    private let origin = ContinuousClock.now

    public init() {}

    public func now() -> Double {
        (ContinuousClock.now - origin).seconds
    }
}
