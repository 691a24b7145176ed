import BallastMetrics

/// `/metrics` rendered for a synthetic host (Prometheus text format), as one scrape does it.
public final class RenderRig: Sendable {
    private let snapshot: MetricsSnapshot

    public init(vms: Int) {
        snapshot = MetricsFixture.snapshot(vms: vms)
    }

    public func render() -> [UInt8] {
        PrometheusRenderer.render(snapshot)
    }
}
