import FoundationEssentials
import Logging

/// The JSON log line: one object with `ts` (ISO 8601 UTC), `level`, `logger`, `msg`,
/// `source`, and each metadata key at top level (nested metadata flattened with dots),
/// so log shippers index fields directly.
enum JSONLogLine {
    static func render(_ event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        var fields: [String: String] = [:]
        flatten(metadata, prefix: "", into: &fields)
        var line = "{\"ts\":\(quoted(timestamp())),\"level\":\(quoted(event.level.rawValue))"
            + ",\"logger\":\(quoted(label)),\"msg\":\(quoted(event.message.description))"
            + ",\"source\":\(quoted(event.source))"
        for (key, value) in fields.sorted(by: { $0.key < $1.key })
        where !["ts", "level", "logger", "msg", "source"].contains(key) {
            line += ",\(quoted(key)):\(quoted(value))"
        }
        return line + "}\n"
    }

    private static func flatten(_ metadata: Logger.Metadata, prefix: String, into fields: inout [String: String]) {
        for (key, value) in metadata {
            let name = prefix.isEmpty ? key : "\(prefix).\(key)"
            switch value {
            case let .string(text): fields[name] = text
            case let .stringConvertible(convertible): fields[name] = convertible.description
            case let .dictionary(nested): flatten(nested, prefix: name, into: &fields)
            case let .array(items): fields[name] = items.map(\.description).joined(separator: ",")
            }
        }
    }

    /// A JSON string literal with the required escapes (quote, backslash, control characters).
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    private static func timestamp() -> String {
        Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
