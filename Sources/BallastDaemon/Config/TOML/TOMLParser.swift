/// A syntax error in TOML text: what was wrong, and where (1-based line and column,
/// counted in characters).
struct TOMLSyntaxError: Error, Equatable {
    var line: Int
    var column: Int
    var message: String
}

/// Parses TOML 1.0 into a `TOMLTable`.
///
/// Hand-written, a recursive-descent parser over the text's Unicode scalars, because the
/// one TOML package available (TOMLKit 0.6.0) leaks everything it parses and aborted the
/// process on inputs the fuzzer found (`TOMLValue` says more). It stops at the first
/// problem with its line and column, enforces TOML's rules on defining keys and tables
/// once, and traps on no input (`FuzzConfig` runs it). Values and strings are read in
/// `TOMLParser+Values.swift`.
struct TOMLParser {
    /// Where a key or header started, for errors about what it names.
    struct Position {
        var line: Int
        var column: Int
    }

    /// How `within` walks through existing tables: a header's name may pass through any
    /// table but an inline one (and into the last table of an array of tables); dotted
    /// keys may only extend tables that dotted keys made.
    enum Walk {
        case header, dotted
    }

    /// How deep arrays and inline tables may nest: each level is a stack frame, and a
    /// config of a million `[` must be an error, not a stack overflow.
    static let deepestNesting = 64

    let text: [Unicode.Scalar]
    var index = 0
    var line = 1
    var lineStart = 0
    var nesting = 0

    static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var parser = TOMLParser(text: Array(text.unicodeScalars))
        return try parser.document()
    }

    private init(text: [Unicode.Scalar]) {
        self.text = text
    }

    // MARK: - Document, headers, key/value pairs

    private mutating func document() throws(TOMLSyntaxError) -> TOMLTable {
        var root = TOMLTable(origin: .header)
        var current: [String] = []
        while true {
            skipWhitespace()
            guard let next = peek() else { break }
            if next == "[" {
                current = try header(into: &root)
            } else if next != "#", !isNewline(next) {
                let start = position
                let keys = try key(naming: "a key")
                skipWhitespace()
                try expect("=", after: "a key")
                skipWhitespace()
                let value = try self.value()
                try Self.within(&root, current[...], walk: .header, at: start) { (table) throws(TOMLSyntaxError) in
                    try Self.insert(value, at: keys[...], into: &table, at: start)
                }
            }
            try lineEnd()
        }
        return root
    }

    /// `[a.b]` or `[[a.b]]`; returns the path of the table that the lines below it fill.
    private mutating func header(into root: inout TOMLTable) throws(TOMLSyntaxError) -> [String] {
        let start = position
        advance()
        let isArray = peek() == "["
        if isArray { advance() }
        skipWhitespace()
        let keys = try key(naming: "a table name")
        skipWhitespace()
        try expect("]", after: "a table name")
        if isArray { try expect("]", after: "an array of tables' name") }
        guard let last = keys.last else { return [] }
        try Self.within(&root, keys.dropLast(), walk: .header, at: start) { (table) throws(TOMLSyntaxError) in
            switch (table[last], isArray) {
            case (nil, false):
                table.set(last, .table(TOMLTable(origin: .header)))
            case (nil, true):
                table.set(last, .array([.table(TOMLTable(origin: .header))]))
                table.tableArrays.insert(last)
            case (.table(var existing), false) where existing.origin == .implicit:
                existing.origin = .header
                table.set(last, .table(existing))
            case (.array(var elements), true) where table.tableArrays.contains(last):
                elements.append(.table(TOMLTable(origin: .header)))
                table.set(last, .array(elements))
            case (.table, _):
                throw Self.error("table [\(Self.dotted(keys))] is defined twice (by a header, by dotted keys or inline)",
                                 at: start)
            case (let other?, _):
                throw Self.error("[\(Self.dotted(keys))] names a key that already holds \(Self.article(other))",
                                 at: start)
            }
        }
        return keys
    }

    /// A key: bare, quoted, or several joined by dots. `naming` says what it names, for errors.
    mutating func key(naming: String) throws(TOMLSyntaxError) -> [String] {
        var keys: [String] = []
        while true {
            skipWhitespace()
            keys.append(try simpleKey(naming: naming))
            skipWhitespace()
            guard peek() == "." else { return keys }
            advance()
        }
    }

    private mutating func simpleKey(naming: String) throws(TOMLSyntaxError) -> String {
        switch peek() {
        case "\"": return try basicString()
        case "'": return try literalString()
        case let scalar? where Self.isBareKey(scalar):
            var key = ""
            while let next = peek(), Self.isBareKey(next) {
                key.unicodeScalars.append(next)
                advance()
            }
            return key
        case let scalar:
            // Outside a header, a control or non-ASCII character is named as what it is.
            if naming != "a table name", let scalar, Self.isControl(scalar) || !scalar.isASCII {
                throw unexpected(scalar, expected: naming)
            }
            throw error("\(naming) must start with a letter, digit, '_', '-' or a quote, found \(Self.describe(scalar))")
        }
    }

    /// After a value or header: spaces, a comment, then the end of the line or of the text.
    private mutating func lineEnd() throws(TOMLSyntaxError) {
        skipWhitespace()
        try skipComment()
        guard let next = peek() else { return }
        guard isNewline(next) else { throw unexpected(next, expected: "the end of the line") }
        try newline()
    }

    // MARK: - Placing values and tables

    /// Runs `body` on the table that `keys` name below `table`, creating missing ones.
    static func within(_ table: inout TOMLTable, _ keys: ArraySlice<String>, walk: Walk, at start: Position,
                       _ body: (inout TOMLTable) throws(TOMLSyntaxError) -> Void) throws(TOMLSyntaxError) {
        guard let key = keys.first else { return try body(&table) }
        let rest = keys.dropFirst()
        switch table[key] {
        case nil:
            var child = TOMLTable(origin: walk == .header ? .implicit : .dotted)
            try within(&child, rest, walk: walk, at: start, body)
            table.set(key, .table(child))
        case .table(var child):
            guard child.origin != .inline, walk == .header || child.origin == .dotted else {
                throw error(child.origin == .inline
                    ? "\(key) is an inline table; it cannot be extended"
                    : "\(key) is a table defined elsewhere; dotted keys cannot add to it", at: start)
            }
            table.set(key, nil)  // one owner while it changes, so that it is not copied
            try within(&child, rest, walk: walk, at: start, body)
            table.set(key, .table(child))
        case .array(var elements) where walk == .header && table.tableArrays.contains(key):
            guard case .table(var last)? = elements.popLast() else {
                throw error("\(key) is an empty array of tables", at: start)
            }
            try within(&last, rest, walk: walk, at: start, body)
            elements.append(.table(last))
            table.set(key, .array(elements))
        case let other?:
            throw error("\(key) already holds \(article(other)), not a table", at: start)
        }
    }

    /// Sets `value` at the dotted `keys` below `table`: each key once.
    static func insert(_ value: TOMLValue, at keys: ArraySlice<String>, into table: inout TOMLTable,
                       at start: Position) throws(TOMLSyntaxError) {
        guard let last = keys.last else { return }
        try within(&table, keys.dropLast(), walk: .dotted, at: start) { (target) throws(TOMLSyntaxError) in
            guard target[last] == nil else {
                throw error("\(dotted(Array(keys))) is defined twice", at: start)
            }
            target.set(last, value)
        }
    }

    // MARK: - Scanning

    var position: Position {
        Position(line: line, column: index - lineStart + 1)
    }

    func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < text.count ? text[index + offset] : nil
    }

    mutating func advance() {
        index += 1
    }

    func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\n" || scalar == "\r"
    }

    /// A line feed, or a carriage return and line feed.
    mutating func newline() throws(TOMLSyntaxError) {
        if peek() == "\r" {
            advance()
            guard peek() == "\n" else { throw error("a carriage return must be followed by a line feed") }
        }
        advance()
        line += 1
        lineStart = index
    }

    mutating func skipWhitespace() {
        while peek() == " " || peek() == "\t" { advance() }
    }

    /// `# ...` up to the end of the line; any character but a control character.
    mutating func skipComment() throws(TOMLSyntaxError) {
        guard peek() == "#" else { return }
        while let next = peek(), !isNewline(next) {
            if Self.isControl(next) { throw unexpected(next, expected: "a comment's text") }
            advance()
        }
    }

    mutating func expect(_ scalar: Unicode.Scalar, after what: String) throws(TOMLSyntaxError) {
        guard peek() == scalar else { throw unexpected(peek(), expected: "'\(scalar)' after \(what)") }
        advance()
    }

    // MARK: - Errors

    func error(_ message: String) -> TOMLSyntaxError {
        TOMLSyntaxError(line: line, column: position.column, message: message)
    }

    static func error(_ message: String, at start: Position) -> TOMLSyntaxError {
        TOMLSyntaxError(line: start.line, column: start.column, message: message)
    }

    /// An error at the current character: a control or non-ASCII character is named as
    /// such, since neither may appear outside strings (and no control character inside).
    func unexpected(_ scalar: Unicode.Scalar?, expected: String) -> TOMLSyntaxError {
        guard let scalar else { return error("expected \(expected), found the end of the text") }
        if Self.isControl(scalar) { return error("control character \(Self.code(scalar)) (expected \(expected))") }
        if !scalar.isASCII { return error("character \(Self.code(scalar)) outside a string (expected \(expected))") }
        return error("expected \(expected), found \(Self.describe(scalar))")
    }

    static func describe(_ scalar: Unicode.Scalar?) -> String {
        guard let scalar else { return "the end of the text" }
        if scalar == "\n" || scalar == "\r" { return "the end of the line" }
        if isControl(scalar) { return "control character \(code(scalar))" }
        if !scalar.isASCII { return "character \(code(scalar))" }
        return "'\(scalar)'"
    }

    static func code(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || scalar.value == 0x7F
    }

    static func isBareKey(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", "_", "-": true
        default: false
        }
    }

    static func dotted(_ keys: [String]) -> String {
        keys.map { key in key.unicodeScalars.allSatisfy(isBareKey) && !key.isEmpty ? key : "\"\(key)\"" }
            .joined(separator: ".")
    }

    static func article(_ value: TOMLValue) -> String {
        value.typeName == "array" || value.typeName == "integer" ? "an \(value.typeName)" : "a \(value.typeName)"
    }
}
