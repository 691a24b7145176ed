import BallastPlugins
import TOMLKit

/// Converts a TOML table to the plugin protocol's JSON value, for plugin
/// options that Ballast passes through without interpreting. Dates and times
/// become their TOML text.
enum TOMLJSON {
    static func value(_ table: TOMLTable) -> JSONValue {
        .object(JSONObject(members: table.keys.sorted().map { key in
            JSONObject.Member(key: key, value: table[key].map(value) ?? .null)
        }))
    }

    private static func value(_ v: any TOMLValueConvertible) -> JSONValue {
        switch v.type {
        case .table: return v.table.map(value) ?? .null
        case .array: return .array(v.array.map { $0.map(value) } ?? [])
        case .string: return .string(v.string ?? "")
        case .int: return v.int.map { .integer(Int64($0)) } ?? .null
        case .double: return v.double.map { $0.isFinite ? .number($0) : .null } ?? .null
        case .bool: return v.bool.map(JSONValue.bool) ?? .null
        default: return .string(v.tomlValue.debugDescription)
        }
    }
}
