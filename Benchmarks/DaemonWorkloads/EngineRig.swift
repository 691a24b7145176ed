import BallastCore
import BallastDaemon
import Synchronization
import Workloads

/// `BalancerEngine.tick()` as the daemon runs it (sample, the tick core's prepare,
/// allocate and govern, the engine's bookkeeping, apply), with no plugin, through a
/// backend that hands over a prebuilt snapshot: everything but the hypervisor. The
/// only place the engine benchmarks and instruction counts call the engine's API.
public final class EngineRig: Sendable {
    private let backend: PrebuiltBackend
    private let engine: BalancerEngine

    public init(vms: Int, listing: CoreWorkload.Listing = .shuffled) async throws {
        backend = PrebuiltBackend(CoreWorkload.host(vms, listing: listing))
        engine = BalancerEngine(backend: backend, plugins: [], settings: BalancerSettings(interval: 10))
        for _ in 0..<3 {
            _ = try await tick()
            advance()
        }
    }

    /// Ten seconds pass on the host (not part of a tick: call it outside the measurement).
    public func advance() {
        backend.advance()
    }

    public func tick() async throws -> TickReport {
        try await engine.tick()
    }
}

/// A backend that samples instantly: the host snapshot is built beforehand and
/// advanced between ticks by the caller; every change "applies".
final class PrebuiltBackend: Backend {
    private let host: Mutex<HostSnapshot>

    init(_ host: HostSnapshot) {
        self.host = Mutex(host)
    }

    func advance() {
        host.withLock { CoreWorkload.advance(&$0) }
    }

    func sample() async throws -> HostSnapshot {
        host.withLock { $0 }
    }

    func apply(_ changes: [Change]) async -> [ChangeResult] {
        Array(repeating: .applied, count: changes.count)
    }

    var shrinksReleaseAtOnce: Bool { true }

    func growthAwaitsRelease(_ awaiting: Bool) async {}
}
