/// One value of a parsed TOML document (`TOMLParser`), in the types TOML 1.0 defines.
///
/// Ballast's own model of TOML, because the package it used (TOMLKit 0.6.0, the only
/// version the mirror has) frees nothing it allocates: each parse and each value read
/// leaked 3.5-7.5 KiB, and the soak's hourly SIGHUP reloads showed it as steady heap
/// growth; its parser also aborted the process on inputs the fuzzer found.
enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    /// An offset or local date-time, a local date or a local time, as written: no setting
    /// takes one, and plugin options pass it on as text.
    case dateTime(String)
    case array([TOMLValue])
    case table(TOMLTable)

    /// The TOML type's name, for errors ("must be an integer, found string").
    var typeName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .boolean: "boolean"
        case .dateTime: "date-time"
        case .array: "array"
        case .table: "table"
        }
    }

    var table: TOMLTable? {
        if case .table(let table) = self { table } else { nil }
    }

    var array: [TOMLValue]? {
        if case .array(let array) = self { array } else { nil }
    }

    var string: String? {
        if case .string(let string) = self { string } else { nil }
    }

    var integer: Int? {
        if case .integer(let integer) = self { integer } else { nil }
    }

    var boolean: Bool? {
        if case .boolean(let boolean) = self { boolean } else { nil }
    }
}

/// A TOML table: its key/value pairs, and what the parser needs to enforce TOML's rules
/// on defining a table once (how it came to be, which keys hold arrays of tables).
struct TOMLTable: Equatable, Sendable {
    /// How a table came to exist; only an implicit table may later get its own header,
    /// and only one made by dotted keys may get more dotted keys.
    enum Origin: Sendable {
        case implicit, header, dotted, inline
    }

    private(set) var values: [String: TOMLValue] = [:]
    var origin: Origin
    /// Keys whose arrays were written as `[[key]]`, which later `[[key]]` headers extend.
    var tableArrays: Set<String> = []

    init(origin: Origin) {
        self.origin = origin
    }

    subscript(key: String) -> TOMLValue? {
        values[key]
    }

    var keys: [String] {
        Array(values.keys)
    }

    mutating func set(_ key: String, _ value: TOMLValue?) {
        values[key] = value
    }

    /// Tables are equal when their contents are: how they were written does not matter.
    static func == (left: TOMLTable, right: TOMLTable) -> Bool {
        left.values == right.values
    }
}
