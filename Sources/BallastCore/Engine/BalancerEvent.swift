/// Something that happened outside the tick's main data flow and that
/// observers count or log: plugin requests and restarts, backend errors.
/// Producers (plugin supervisor, backends) emit these to a `BalancerEventSink`
/// so that they need not know about metrics or logging.
public enum BalancerEvent: Sendable, Hashable {
    /// One plugin request and how it ended ("ok", "timeout", "crashed", "invalid", ...).
    case pluginRequest(plugin: String, method: String, outcome: String, seconds: Double)
    case pluginRestarted(plugin: String, reason: String)
    case pluginQuarantined(plugin: String, reason: String)
    /// A line the plugin wrote to stderr or sent as a `log` notification.
    case pluginLog(plugin: String, line: String)
    /// A backend operation failed ("sample", "set_memory", "connect", ...).
    case backendError(operation: String, message: String)
    /// The backend's connection was lost or restored.
    case backendConnection(up: Bool, detail: String)
    /// Something asked for a tick now (a libvirt event, a pressure trigger, a guest's
    /// balloon statistics); the daemon loop coalesces requests to its urgent-tick rate.
    case urgentTickRequested(cause: UrgentTickCause, detail: String)
    /// An urgent tick ran, for these causes (every request coalesced into it).
    case urgentTickRan(causes: [UrgentTickCause])
}

/// Where `BalancerEvent`s go. Implementations must be cheap and non-blocking.
public protocol BalancerEventSink: Sendable {
    func record(_ event: BalancerEvent)
}

/// A sink that drops everything, for tests and tools that do not observe.
public struct DiscardingEventSink: BalancerEventSink {
    public init() {}
    public func record(_ event: BalancerEvent) {}
}
