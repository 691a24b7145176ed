import BallastCore
import Logging

/// Ballast's swift-log handler: renders each entry as one line in the chosen format
/// (`TextLogLine` or `JSONLogLine`) and hands it to a `LogLineSink` instead of writing
/// it anywhere itself, so the line's owner decides where it goes.
public struct LineLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public let format: LogFormat
    public let label: String
    private let sink: any LogLineSink

    public init(format: LogFormat, label: String, sink: any LogLineSink) {
        self.format = format
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, entry in entry }
        let text = switch format {
        case .text: TextLogLine.render(event, label: label, metadata: merged)
        case .json: JSONLogLine.render(event, label: label, metadata: merged)
        }
        sink.write(LogLine(text: text, level: event.level, message: HumanFormat.oneLine(event.message.description)))
    }
}
