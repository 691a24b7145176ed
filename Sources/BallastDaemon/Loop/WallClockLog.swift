import BallastCore
import Logging
import Synchronization

/// Logs a step of the wall clock between two ticks (`WallClockSteps`): a warning that says
/// by how much and what it changes, so that an operator reading log timestamps that jump
/// back an hour knows why, and that the ticks themselves kept their pace.
public final class WallClockLog: TickObserver {
    private let logger: Logger
    private let steps = Mutex(WallClockSteps())

    public init(logger: Logger) {
        self.logger = logger
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        let host = report.snapshot.host
        guard let step = steps.withLock({ $0.observe(time: host.time, wallClock: host.wallClock) }) else { return }
        let amount = Int(abs(step).rounded())
        logger.warning("""
            wall clock stepped \(step < 0 ? "back" : "forward") \(amount) s between two ticks: ticks keep their pace on \
            the monotonic clock; log timestamps and the prediction stage's hour of day follow the new time
            """, metadata: ["tick": "\(report.snapshot.tick)", "step_seconds": "\(Int(step.rounded()))"])
    }

    public func tickFailed(_ error: any Error) async {}
}
