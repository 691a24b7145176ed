import TOMLKit

/// Converts a TOML table to JSON text, for plugin options that Ballast passes
/// through without interpreting. Dates and times become their TOML text.
enum TOMLJSON {
    static func encode(_ table: TOMLTable) -> String {
        var out = "{"
        for (index, key) in table.keys.sorted().enumerated() {
            if index > 0 { out += "," }
            out += quote(key) + ":" + (table[key].map(value) ?? "null")
        }
        return out + "}"
    }

    private static func value(_ v: any TOMLValueConvertible) -> String {
        switch v.type {
        case .table: return v.table.map(encode) ?? "null"
        case .array: return "[" + (v.array.map { $0.map(value).joined(separator: ",") } ?? "") + "]"
        case .string: return quote(v.string ?? "")
        case .int: return v.int.map(String.init) ?? "null"
        case .double: return v.double.map { $0.isFinite ? "\($0)" : "null" } ?? "null"
        case .bool: return v.bool.map { $0 ? "true" : "false" } ?? "null"
        default: return quote(v.tomlValue.debugDescription)
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
