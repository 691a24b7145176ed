import BallastCore
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text log line, swift-log's own plain format
/// (`2026-12-03T06:26:40+0000 info ballast: key=value [Module] message`), with control
/// characters in the message and metadata escaped: one entry is always one line.
enum TextLogLine {
    static func render(_ event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        let fields = metadata.sorted { $0.key < $1.key }
            .map { "\(HumanFormat.oneLine($0.key))=\(HumanFormat.oneLine($0.value.description))" }
        var text = "\(timestamp()) \(event.level) \(HumanFormat.oneLine(label)):"
        if !fields.isEmpty { text += " " + fields.joined(separator: " ") }
        return text + " [\(event.source)] \(HumanFormat.oneLine(event.message.description))\n"
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
