/// Exponential back-off between reconnection attempts, and the "report once"
/// bookkeeping: a lost connection is reported when it goes down and when it
/// comes back, not at every failed attempt.
struct ReconnectPolicy {
    let initialDelay: Double
    let maximumDelay: Double
    private(set) var delay: Double
    private(set) var nextAttempt: Double = 0
    /// Whether the loss has been reported (and recovery should be).
    private(set) var reportedDown = false

    init(initialDelay: Double, maximumDelay: Double) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.delay = initialDelay
    }

    func mayAttempt(at now: Double) -> Bool { now >= nextAttempt }

    /// Records a failure at `now`; returns true the first time (report it).
    mutating func failed(at now: Double) -> Bool {
        nextAttempt = now + delay
        delay = min(delay * 2, maximumDelay)
        defer { reportedDown = true }
        return !reportedDown
    }

    /// Records a success; returns true when a loss had been reported (report recovery).
    mutating func succeeded() -> Bool {
        delay = initialDelay
        nextAttempt = 0
        defer { reportedDown = false }
        return reportedDown
    }

    /// The next attempt may be made at once (the connection's close callback said it closed),
    /// the back-off still doubling for failures after it.
    mutating func retryNow() {
        nextAttempt = 0
    }

    func secondsUntilRetry(from now: Double) -> Double { max(nextAttempt - now, 0) }
}
