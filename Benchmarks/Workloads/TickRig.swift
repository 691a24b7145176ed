import BallastCore

/// One balancer tick without the engine actor (`TickCore.decide`: prepare, the
/// fair-share allocation with its scratch kept between ticks, govern), on a
/// synthetic host whose counters advance between ticks. The tick benchmarks and
/// instruction counts call BallastCore's tick API here and nowhere else: when that
/// API changes, this file changes. Warmed up on construction, so every measured
/// tick is a steady-state one.
public final class TickRig {
    private var core = TickCore(settings: BalancerSettings(interval: 10))
    private var host: HostSnapshot

    public init(vms: Int, listing: CoreWorkload.Listing = .byID) {
        host = CoreWorkload.host(vms, listing: listing)
        for _ in 0..<3 {
            _ = tick()
            advance()
        }
    }

    /// Ten seconds pass on the host (not part of a tick: call it outside the measurement).
    public func advance() {
        CoreWorkload.advance(&host)
    }

    public func tick() -> GovernorDecision {
        core.decide(host).decision
    }
}
