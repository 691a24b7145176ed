import BallastCore
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A swift-log handler writing swift-log's plain text line
/// (`2026-12-03T06:26:40+0000 info ballast: key=value [Module] message`) to a
/// `LogLineSink` instead of straight to standard error, so the line's owner decides
/// where it goes. Control characters in the message and metadata are escaped: one
/// entry is always one line.
public struct TextLogHandler: LogHandler {
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public let label: String
    private let sink: any LogLineSink

    public init(label: String, sink: any LogLineSink) {
        self.label = label
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let fields = merged.sorted { $0.key < $1.key }
            .map { "\(HumanFormat.oneLine($0.key))=\(HumanFormat.oneLine($0.value.description))" }
        let message = HumanFormat.oneLine(event.message.description)
        var text = "\(Self.timestamp()) \(event.level) \(HumanFormat.oneLine(label)):"
        if !fields.isEmpty { text += " " + fields.joined(separator: " ") }
        text += " [\(event.source)] \(message)\n"
        sink.write(LogLine(text: text, level: event.level, message: message))
    }

    /// Local time with its UTC offset, as swift-log's own stream handler writes it.
    private static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "\(now)" }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
