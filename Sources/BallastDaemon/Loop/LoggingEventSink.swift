import BallastCore
import Logging

/// Turns backend and plugin events into log lines: connection changes and
/// quarantines at warning level, plugin stderr at info, tagged with their source.
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
        case .backendError(let operation, let message):
            logger.warning("backend operation failed", metadata: ["operation": "\(operation)", "error": "\(message)"])
        case .backendConnection(let up, let detail):
            if up {
                logger.notice("backend connection restored", metadata: ["detail": "\(detail)"])
            } else {
                logger.error("backend connection lost; retrying with back-off", metadata: ["detail": "\(detail)"])
            }
        }
    }
}
