import BallastCore
import Logging
import Synchronization

/// Logs when the governor enters emergency mode (a warning, with the host's and the
/// guests' memory figures that decide it) and when it leaves it (a notice): the mode
/// changes what Ballast does to every guest, so an operator reading the log must see both
/// moments, not only a gauge in `/metrics`.
public final class EmergencyLog: TickObserver {
    private let logger: Logger
    private let inEmergency = Mutex(false)

    public init(logger: Logger) {
        self.logger = logger
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        let now = report.decision.emergency
        let before = inEmergency.withLock { state in
            defer { state = now }
            return state
        }
        guard now != before else { return }
        let snapshot = report.snapshot
        let host = snapshot.host
        let figures = "host memory available \(HumanFormat.bytes(host.memoryAvailable)) of \(HumanFormat.bytes(host.capacity.memory)); "
            + "guests use \(HumanFormat.bytes(Governor.guestUsedMemory(snapshot.vms))) of their "
            + "\(HumanFormat.bytes(snapshot.guestCapacity.memory))"
        let metadata: Logger.Metadata = ["tick": "\(snapshot.tick)"]
        if now {
            logger.warning("emergency mode entered: no growth beyond guest used + margin, idle VMs shrink faster; \(figures)",
                           metadata: metadata)
        } else {
            logger.notice("emergency mode left; \(figures)", metadata: metadata)
        }
    }

    public func tickFailed(_ error: any Error) async {}
}
