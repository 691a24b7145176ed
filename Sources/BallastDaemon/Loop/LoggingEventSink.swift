import BallastCore
import Logging

/// Turns plugin events into log lines (restarts and failed requests at
/// warning, quarantines at error, plugin stderr at info), tagged with the
/// plugin's name. Backend events are not logged here: backends log their own
/// errors where they have the detail, and a second line would say it twice.
public struct LoggingEventSink: BalancerEventSink {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func record(_ event: BalancerEvent) {
        switch event {
        case .pluginRequest(let plugin, let method, let outcome, let seconds) where outcome != "ok":
            logger.warning("plugin request did not succeed", metadata: [
                "plugin": "\(plugin)", "method": "\(method)", "outcome": "\(outcome)", "seconds": "\(seconds)"])
        case .pluginRequest:
            break
        case .pluginRestarted(let plugin, let reason):
            logger.warning("plugin restarted", metadata: ["plugin": "\(plugin)", "reason": "\(reason)"])
        case .pluginQuarantined(let plugin, let reason):
            logger.error("plugin quarantined", metadata: ["plugin": "\(plugin)", "reason": "\(reason)"])
        case .pluginLog(let plugin, let line):
            logger.info("\(line)", metadata: ["plugin": "\(plugin)"])
        case .backendError, .backendConnection, .urgentTickRan:
            break
        case .urgentTickRequested(let cause, let detail):
            logger.debug("urgent tick requested", metadata: ["cause": "\(cause.rawValue)", "detail": "\(detail)"])
        }
    }
}
