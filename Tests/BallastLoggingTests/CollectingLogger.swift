import BallastLogging
import Logging

/// A logger at `info` whose lines, in `format`, land in `collector`; the handler carries
/// `host=node-1` so tests see handler and entry metadata together.
func collectingLogger(_ format: LogFormat, label: String, into collector: LogLineCollector) -> Logger {
    var handler = LineLogHandler(format: format, label: label, sink: collector)
    handler.logLevel = .info
    handler[metadataKey: "host"] = "node-1"
    return Logger(label: label, factory: { _ in handler })
}
