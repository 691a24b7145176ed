import BallastCore
import Logging

/// Builds the backend `ballast run` balances, given the daemon's event sink and logger;
/// throws a message saying what to fix when it cannot. The daemon takes one of these
/// instead of choosing a backend itself (the `ballast` executable composes it from
/// BallastBackends), so it depends on no hypervisor and no simulator.
public typealias BackendFactory = (_ events: any BalancerEventSink, _ logger: Logger) throws -> any Backend
