import Logging

/// Sets up swift-log once per process, on standard error.
public enum BallastLogging {
    public static func bootstrap(format: LogFormat, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
