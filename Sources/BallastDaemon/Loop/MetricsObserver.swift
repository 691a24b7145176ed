import BallastCore
import BallastMetrics

/// Feeds every tick to the observability state behind `/metrics`, `/healthz`
/// and `/v1/state`; a tick that could not run marks the daemon stalled.
public struct MetricsObserver: TickObserver {
    public let state: ObservabilityState

    public init(state: ObservabilityState) {
        self.state = state
    }

    public func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        await state.record(report: report, tickSeconds: seconds, late: late)
    }

    public func tickFailed(_ error: any Error) async {
        await state.markStalled("the last tick failed: \(error)")
    }

    public func intervalChanged(wallSeconds: Double) async {
        await state.updateInterval(wallSeconds)
    }
}

/// Hands each event to several sinks (the log and the metrics counters).
public struct FanOutEventSink: BalancerEventSink {
    public let sinks: [any BalancerEventSink]

    public init(_ sinks: [any BalancerEventSink]) {
        self.sinks = sinks
    }

    public func record(_ event: BalancerEvent) {
        for sink in sinks { sink.record(event) }
    }
}
