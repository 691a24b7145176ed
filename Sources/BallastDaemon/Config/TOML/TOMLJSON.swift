import BallastPlugins

/// Converts a TOML table to the plugin protocol's JSON value, for plugin
/// options that Ballast passes through without interpreting. Dates and times
/// become their TOML text; a float that is not finite (inf, nan) becomes null.
enum TOMLJSON {
    static func value(_ table: TOMLTable) -> JSONValue {
        .object(JSONObject(members: table.keys.sorted().map { key in
            JSONObject.Member(key: key, value: table[key].map(value) ?? .null)
        }))
    }

    private static func value(_ value: TOMLValue) -> JSONValue {
        switch value {
        case .table(let table): return self.value(table)
        case .array(let elements): return .array(elements.map(self.value))
        case .string(let text), .dateTime(let text): return .string(text)
        case .integer(let integer): return .integer(Int64(integer))
        case .float(let float): return float.isFinite ? .number(float) : .null
        case .boolean(let boolean): return .bool(boolean)
        }
    }
}
