import Logging

/// How Ballast writes its logs: `text` for people, `json` (one object per
/// line) for log shippers. Chosen by `--log-format` / the config key `log.format`.
public enum LogFormat: String, Sendable, CaseIterable, Codable {
    case text
    case json

    /// A swift-log handler factory writing lines in this format to `sink`.
    public func makeHandler(label: String, level: Logger.Level, sink: any LogLineSink) -> any LogHandler {
        var handler = LineLogHandler(format: self, label: label, sink: sink)
        handler.logLevel = level
        return handler
    }

    /// Installs this format process-wide, its lines going to `sink` (call once, early).
    public func bootstrap(level: Logger.Level, sink: any LogLineSink) {
        LoggingSystem.bootstrap { label in self.makeHandler(label: label, level: level, sink: sink) }
    }
}
