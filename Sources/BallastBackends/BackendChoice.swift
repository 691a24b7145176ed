import BallastCore
import BallastLibvirt
import Logging

/// Which hypervisor `ballast run` balances: a real one through libvirt, or the
/// built-in simulator (the embedded default, needing no hypervisor). The one place
/// that names concrete backends; the daemon gets `make` as its `BackendFactory`.
public enum BackendChoice: Sendable, Hashable {
    case libvirt(uri: String)
    case simulator(SimulatorSource)

    /// Builds the backend (for the simulator, logging the host it simulates). Throws a
    /// message saying what to fix when the source cannot be used.
    public func make(events: any BalancerEventSink, logger: Logger) throws -> any Backend {
        switch self {
        case .libvirt(let uri):
            return LibvirtBackend(uri: uri, events: events, logger: logger)
        case .simulator(let source):
            let prepared = try source.prepare()
            logger.info("\(prepared.summary)")
            return prepared.backend
        }
    }
}
