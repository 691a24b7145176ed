import BallastCgroups
import BallastCore
import BallastLibvirt
import Logging

/// Which hypervisor `ballast run` balances: a real one through libvirt, or the
/// built-in simulator (the embedded default, needing no hypervisor). The one place
/// that names concrete backends; the daemon gets `make` as its `BackendFactory`.
public enum BackendChoice: Sendable, Hashable {
    /// `events`: the event path's settings (libvirt events, pressure triggers, balloon watch);
    /// `watch`: when the balloon watch asks for an urgent tick (from the balancer settings).
    case libvirt(uri: String, events: EventSettings = EventSettings(), watch: BalloonWatchRules = BalloonWatchRules())
    case simulator(SimulatorSource)

    /// What the daemon announces: the kind and the URI (or what the simulator replays).
    public var identity: BackendIdentity {
        switch self {
        case .libvirt(let uri, _, _):
            return BackendIdentity(kind: .libvirt, uri: uri)
        case .simulator(let source):
            switch source.input {
            case .scenario(let name): return BackendIdentity(kind: .sim, uri: "scenario:\(name)")
            case .trace(let path, _, _): return BackendIdentity(kind: .sim, uri: "trace:\(path)")
            }
        }
    }

    /// The host's KSM for the KSM controller: the kernel's for libvirt, none for the
    /// simulator (its host is invented; the real host's KSM is not its to touch).
    public var ksm: (any KSMInterface)? {
        switch self {
        case .libvirt: KernelKSM()
        case .simulator: nil
        }
    }

    /// Builds the backend (for the simulator, logging the host it simulates). Throws a
    /// message saying what to fix when the source cannot be used.
    public func make(events: any BalancerEventSink, logger: Logger) throws -> any Backend {
        switch self {
        case .libvirt(let uri, let settings, let watch):
            return LibvirtBackend(uri: uri, events: events, logger: logger,
                                  options: LibvirtBackendOptions(events: settings, watch: watch))
        case .simulator(let source):
            let prepared = try source.prepare()
            logger.info("\(prepared.summary)")
            return prepared.backend
        }
    }
}
