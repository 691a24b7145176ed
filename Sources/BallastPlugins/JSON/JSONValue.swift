/// A parsed JSON document. Ballast decodes every plugin message into this tree
/// with its own parser (see `JSONParser`) because the protocol must reject
/// answers entry by entry with precise reasons (NaN, fractions, huge numbers),
/// which a `Decodable` model would turn into one opaque error.
///
/// Numbers keep their lexical class: `integer` for plain digits that fit an
/// `Int64`, `unsigned` for larger plain digits that fit a `UInt64`, and
/// `number` for everything else (fractions, exponents, NaN and infinities,
/// which Python's `json` writes as `NaN` and `Infinity`).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case unsigned(UInt64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The member `key` of an object, `nil` for other values or a missing key.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A short name of the value's JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer, .unsigned, .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The value rendered as compact JSON text (used for error messages and tests).
    public var jsonText: String {
        var writer = JSONWriter()
        writer.value(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
