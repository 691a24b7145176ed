import BallastCore

/// Finds the line on which a key was written in TOML text, so that semantic
/// errors (unknown key, wrong type, bad value) can name a line. `TOMLValue` carries
/// no positions (the parser reports them for syntax errors only), so this scans the
/// text itself. It
/// understands table headers, arrays of tables, quoted and dotted keys; it is
/// used for error messages only, never to read values.
struct TOMLKeyLocator {
    private var lines: [String: Int] = [:]

    init(text: String) {
        var table: [String] = []
        var arrayCounts: [String: Int] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = raw.trimmedWhitespace
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[[") {
                let name = Self.segments(String(line.dropFirst(2).prefix { $0 != "]" }))
                let joined = name.joined(separator: ".")
                let position = arrayCounts[joined, default: -1] + 1
                arrayCounts[joined] = position
                table = name.dropLast() + ["\(name.last ?? "")[\(position)]"]
                record(table, lineNumber)
            } else if line.hasPrefix("[") {
                table = Self.segments(String(line.dropFirst().prefix { $0 != "]" }))
                record(table, lineNumber)
            } else if let equals = Self.unquotedEquals(in: line) {
                let key = Self.segments(String(line[..<equals]))
                record(table + key, lineNumber)
            }
        }
    }

    /// The line where the key path (as produced by `path(_:)`) was written, if found.
    func line(of path: String) -> Int? {
        lines[path]
    }

    static func path(_ segments: [String]) -> String {
        segments.joined(separator: ".")
    }

    private mutating func record(_ segments: [String], _ line: Int) {
        let key = Self.path(segments)
        if lines[key] == nil { lines[key] = line }
    }

    /// Splits `a."b.c".d` into ["a", "b.c", "d"], trimming whitespace.
    static func segments(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                result.append(current.trimmedWhitespace)
                current = ""
            } else {
                current.append(character)
            }
        }
        result.append(current.trimmedWhitespace)
        return result
    }

    private static func unquotedEquals(in line: String) -> String.Index? {
        var quote: Character?
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "=" {
                return index
            }
            index = line.index(after: index)
        }
        return nil
    }
}
