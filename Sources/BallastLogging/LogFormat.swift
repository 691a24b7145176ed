import Logging

/// How Ballast writes its logs: `text` for people, `json` (one object per
/// line) for log shippers. Chosen by `--log-format` / the config key `log.format`.
public enum LogFormat: String, Sendable, CaseIterable, Codable {
    case text
    case json

    /// A swift-log handler factory writing to standard error in this format.
    public func makeHandler(label: String, level: Logger.Level) -> any LogHandler {
        var handler: any LogHandler
        switch self {
        case .text: handler = StreamLogHandler.standardError(label: label)
        case .json: handler = JSONLogHandler(label: label, sink: .standardError)
        }
        handler.logLevel = level
        return handler
    }

    /// Installs this format process-wide (call once, early).
    public func bootstrap(level: Logger.Level) {
        LoggingSystem.bootstrap { label in self.makeHandler(label: label, level: level) }
    }
}
