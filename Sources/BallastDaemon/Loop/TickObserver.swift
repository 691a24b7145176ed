import BallastCore

/// Something that wants every tick's outcome: the metrics state, the live
/// table, the decision log. Called in order, after the tick, on the loop.
public protocol TickObserver: Sendable {
    /// A tick completed; `seconds` is its wall duration, `late` whether it overran the interval.
    func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async
    /// A tick could not run (the backend could not be sampled).
    func tickFailed(_ error: any Error) async
    /// The wall seconds between ticks changed (config reload). Default: nothing.
    func intervalChanged(wallSeconds: Double) async
}

extension TickObserver {
    public func intervalChanged(wallSeconds: Double) async {}
}
