import BallastCore
import Synchronization

/// A plugin and how one of its requests ended: the key of the plugin request counter.
public struct PluginOutcomeKey: Sendable, Hashable, Comparable {
    public var plugin: String
    public var outcome: String

    public init(plugin: String, outcome: String) {
        self.plugin = plugin
        self.outcome = outcome
    }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.plugin, lhs.outcome) < (rhs.plugin, rhs.outcome)
    }
}

/// The counters that `BalancerEvent`s feed, as a value: backend errors by
/// operation, plugin requests by plugin and outcome, plugin latency, restarts
/// and quarantines, which plugins are in quarantine, the backend connection state, and
/// urgent ticks (requested and run) by cause.
public struct EventTallies: Sendable, Hashable {
    public var backendErrors: [String: UInt64] = [:]
    public var pluginRequests: [PluginOutcomeKey: UInt64] = [:]
    public var pluginLatency: [String: Histogram] = [:]
    public var pluginRestarts: [String: UInt64] = [:]
    public var pluginQuarantines: [String: UInt64] = [:]
    /// Every plugin heard from, and whether it is in quarantine now: set by a
    /// quarantine, cleared by a restart (which follows every quarantine) or an answer.
    public var pluginQuarantined: [String: Bool] = [:]
    /// `nil` until the backend reports its connection state.
    public var backendUp: Bool?
    public var lastBackendError: String?
    /// Urgent ticks run, by cause (a tick serving two causes counts under both).
    public var urgentTicks: [String: UInt64] = [:]
    /// Requests for an urgent tick, by cause, before coalescing.
    public var urgentTickRequests: [String: UInt64] = [:]

    /// Most distinct label values one counter keeps; further values fold into "other"
    /// so that a misbehaving producer cannot grow the scrape without bound.
    public static let maximumLabelValues = 256

    public init() {}

    public mutating func apply(_ event: BalancerEvent) {
        switch event {
        case let .pluginRequest(plugin, _, outcome, seconds):
            let key = PluginOutcomeKey(plugin: Self.boundedKey(plugin, in: pluginLatency),
                                       outcome: Self.outcomeClass(outcome))
            if pluginRequests[key] != nil || pluginRequests.count < Self.maximumLabelValues {
                pluginRequests[key, default: 0] += 1
            } else {
                pluginRequests[PluginOutcomeKey(plugin: "other", outcome: key.outcome), default: 0] += 1
            }
            pluginLatency[key.plugin, default: Histogram()].observe(seconds)
            let answered = key.outcome == "ok" || key.outcome == "partial"
            let state = Self.boundedKey(plugin, in: pluginQuarantined)
            pluginQuarantined[state] = answered ? false : pluginQuarantined[state] ?? false
        case let .pluginRestarted(plugin, _):
            pluginRestarts[Self.boundedKey(plugin, in: pluginRestarts), default: 0] += 1
            pluginQuarantined[Self.boundedKey(plugin, in: pluginQuarantined)] = false
        case let .pluginQuarantined(plugin, _):
            pluginQuarantines[Self.boundedKey(plugin, in: pluginQuarantines), default: 0] += 1
            pluginQuarantined[Self.boundedKey(plugin, in: pluginQuarantined)] = true
        case .pluginLog:
            break
        case let .backendError(operation, message):
            backendErrors[Self.boundedKey(Self.outcomeClass(operation), in: backendErrors), default: 0] += 1
            lastBackendError = "\(operation): \(message)"
        case let .backendConnection(up, _):
            backendUp = up
        case let .urgentTickRequested(cause, _):
            urgentTickRequests[cause.rawValue, default: 0] += 1
        case let .urgentTickRan(causes):
            for cause in causes { urgentTicks[cause.rawValue, default: 0] += 1 }
        }
    }

    /// The class of an outcome for a label: the text before the first ":" (so
    /// "crashed: exit 3" counts as "crashed"), at most 64 characters.
    static func outcomeClass(_ outcome: String) -> String {
        let head = outcome.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let trimmed = head.trimmingSpaces()
        return trimmed.isEmpty ? "unknown" : String(trimmed.prefix(64))
    }

    private static func boundedKey<Value>(_ key: String, in table: [String: Value]) -> String {
        table[key] != nil || table.count < maximumLabelValues ? key : "other"
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var text = self
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return text
    }
}

/// The `BalancerEventSink` that feeds metrics. Recording takes a short lock
/// and never waits on the tick loop or on scrapes; the tallies it guards have
/// no other owner.
public final class MetricsEventSink: BalancerEventSink {
    private let tallies = Mutex(EventTallies())

    public init() {}

    public func record(_ event: BalancerEvent) {
        tallies.withLock { $0.apply(event) }
    }

    /// A copy of the counters as they are now.
    public func current() -> EventTallies {
        tallies.withLock { $0 }
    }
}
