import BallastPlugins

/// Reads typed values from one TOML table, collecting every problem as a
/// `ConfigIssue` with its line instead of stopping at the first. Keys that are
/// never read are reported as unknown by `finish()`: a typo is an error, not a
/// silently ignored setting.
final class TableReader {
    let table: TOMLTable
    let path: [String]
    private let context: LoadContext
    private var known: Set<String> = []

    init(table: TOMLTable, path: [String], context: LoadContext) {
        self.table = table
        self.path = path
        self.context = context
    }

    func child(_ key: String) -> TableReader? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        guard let sub = value.table else {
            report(key, "must be a table, found \(value.typeName)")
            return nil
        }
        return TableReader(table: sub, path: path + [key], context: context)
    }

    /// Every sub-table, for `[vm."pattern"]` style maps.
    func subtables() -> [(String, TableReader)] {
        table.keys.sorted().compactMap { key in
            known.insert(key)
            guard let sub = table[key]?.table else {
                report(key, "must be a table like [\(TOMLKeyLocator.path(path + [key]))]")
                return nil
            }
            return (key, TableReader(table: sub, path: path + [key], context: context))
        }
    }

    /// An array of tables (`[[plugin]]`).
    func tableArray(_ key: String) -> [TableReader] {
        known.insert(key)
        guard let value = table[key] else { return [] }
        guard let array = value.array else {
            report(key, "must be an array of tables ([[\(key)]])")
            return []
        }
        var readers: [TableReader] = []
        for (index, element) in array.enumerated() {
            let elementPath = path + ["\(key)[\(index)]"]
            if let sub = element.table {
                readers.append(TableReader(table: sub, path: elementPath, context: context))
            } else {
                report(key, "element \(index) must be a table")
            }
        }
        return readers
    }

    func string(_ key: String) -> String? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        guard let string = value.string else {
            report(key, "must be a string, found \(value.typeName)")
            return nil
        }
        return string
    }

    func bool(_ key: String) -> Bool? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        guard let bool = value.boolean else {
            report(key, "must be true or false, found \(value.typeName)")
            return nil
        }
        return bool
    }

    func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        guard let int = value.integer else {
            report(key, "must be an integer, found \(value.typeName)")
            return nil
        }
        guard range.contains(int) else {
            report(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(int)")
            return nil
        }
        return int
    }

    func number(_ key: String, in range: ClosedRange<Double>) -> Double? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        let number: Double?
        switch value {
        case .integer(let integer): number = Double(integer)
        case .float(let float): number = float
        default: number = nil
        }
        guard let number, number.isFinite else {
            report(key, "must be a number, found \(value.typeName)")
            return nil
        }
        guard range.contains(number) else {
            report(key, "must be between \(range.lowerBound) and \(range.upperBound), found \(number)")
            return nil
        }
        return number
    }

    /// A size: an integer of bytes or a string like "512MiB".
    func bytes(_ key: String) -> UInt64? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        if let int = value.integer {
            guard int >= 0 else {
                report(key, "must not be negative, found \(int)")
                return nil
            }
            return UInt64(int)
        }
        guard let text = value.string, let bytes = Quantities.bytes(from: text) else {
            report(key, "must be a size such as \"512MiB\" or \"2GiB\" (or bytes as an integer)")
            return nil
        }
        return bytes
    }

    /// A duration: seconds as a number or a string like "500ms", "2s", "5m".
    func seconds(_ key: String, in range: ClosedRange<Double> = 0...86_400) -> Double? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        var seconds: Double?
        switch value {
        case .integer(let integer): seconds = Double(integer)
        case .float(let float): seconds = float
        case .string(let text): seconds = Quantities.seconds(from: text)
        default: seconds = nil
        }
        guard let seconds else {
            report(key, "must be a duration such as 2, \"500ms\", \"2s\" or \"5m\"")
            return nil
        }
        guard range.contains(seconds) else {
            report(key, "must be between \(range.lowerBound) s and \(range.upperBound) s, found \(seconds) s")
            return nil
        }
        return seconds
    }

    func stringArray(_ key: String) -> [String]? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        guard let array = value.array else {
            report(key, "must be an array of strings")
            return nil
        }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                report(key, "must be an array of strings, found \(TOMLParser.article(element))")
                return nil
            }
            strings.append(string)
        }
        return strings
    }

    /// A sub-table passed through as a JSON value (plugin options).
    func json(_ key: String) -> JSONValue? {
        known.insert(key)
        guard let value = table[key] else { return nil }
        guard let sub = value.table else {
            report(key, "must be a table")
            return nil
        }
        return TOMLJSON.value(sub)
    }

    func report(_ key: String, _ message: String) {
        context.report(path: path + [key], message: message)
    }

    /// Reports every key in this table that no reader asked for.
    func finish() {
        for key in table.keys.sorted() where !known.contains(key) {
            report(key, "unknown key (check the spelling; see README 'Configuration')")
        }
    }
}

/// Shared state of one load: the file name, the key locator, the issues so far.
final class LoadContext {
    let file: String
    let locator: TOMLKeyLocator
    private(set) var issues: [ConfigIssue] = []

    init(file: String, text: String) {
        self.file = file
        self.locator = TOMLKeyLocator(text: text)
    }

    /// Records an issue at the key's line, or, for a missing key, at the line of
    /// the nearest enclosing table that was written.
    func report(path: [String], message: String) {
        var line: Int?
        var prefix = path[...]
        while line == nil, !prefix.isEmpty {
            line = locator.line(of: TOMLKeyLocator.path(Array(prefix)))
            prefix = prefix.dropLast()
        }
        issues.append(ConfigIssue(file: file, line: line, key: TOMLKeyLocator.path(path), message: message))
    }
}
