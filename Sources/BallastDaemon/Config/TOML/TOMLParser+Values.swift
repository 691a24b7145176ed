/// The values of a TOML document: strings (basic, literal, multi-line), integers, floats,
/// booleans, date-times, arrays and inline tables.
extension TOMLParser {
    mutating func value() throws(TOMLSyntaxError) -> TOMLValue {
        switch peek() {
        case "\"":
            return .string(peek(1) == "\"" && peek(2) == "\"" ? try multilineString(literal: false) : try basicString())
        case "'":
            return .string(peek(1) == "'" && peek(2) == "'" ? try multilineString(literal: true) : try literalString())
        case "[", "{":
            guard nesting < Self.deepestNesting else {
                throw error("arrays and inline tables nest deeper than \(Self.deepestNesting) levels")
            }
            nesting += 1
            defer { nesting -= 1 }
            return peek() == "[" ? try array() : try inlineTable()
        case "t", "f":
            return try boolean()
        case let scalar? where scalar == "+" || scalar == "-" || scalar == "i" || scalar == "n" || ("0"..."9").contains(scalar):
            return isDateTimeAhead() ? try dateTime() : try number()
        case let scalar:
            throw unexpected(scalar, expected: "a value (a string, number, boolean, date, array or inline table)")
        }
    }

    // MARK: - Strings

    /// `"..."`: one line, with escapes.
    mutating func basicString() throws(TOMLSyntaxError) -> String {
        advance()
        var result = ""
        while true {
            guard let next = peek(), !isNewline(next) else {
                throw error("a string must end on its line (\"\"\" starts one of several lines)")
            }
            advance()
            switch next {
            case "\"": return result
            case "\\": result.unicodeScalars.append(try escape())
            default:
                if Self.isControl(next) { throw controlInString(next) }
                result.unicodeScalars.append(next)
            }
        }
    }

    /// `'...'`: one line, as written.
    mutating func literalString() throws(TOMLSyntaxError) -> String {
        advance()
        var result = ""
        while true {
            guard let next = peek(), !isNewline(next) else {
                throw error("a string must end on its line (''' starts one of several lines)")
            }
            advance()
            if next == "'" { return result }
            if Self.isControl(next) { throw controlInString(next) }
            result.unicodeScalars.append(next)
        }
    }

    /// `"""..."""` or `'''...'''`: a newline right after the opening quotes is dropped; in a
    /// basic one, a backslash at the end of a line drops it and the whitespace that follows.
    mutating func multilineString(literal: Bool) throws(TOMLSyntaxError) -> String {
        let quote: Unicode.Scalar = literal ? "'" : "\""
        index += 3
        if let next = peek(), isNewline(next) { try newline() }
        var result = ""
        while true {
            guard let next = peek() else { throw error("a string opened with \(quote)\(quote)\(quote) never ends") }
            if next == quote {
                var count = 0
                while peek() == quote { count += 1; advance() }
                if count >= 3 {
                    guard count <= 5 else { throw error("more than two quotes before a string's closing \(quote)\(quote)\(quote)") }
                    result.unicodeScalars.append(contentsOf: Array(repeating: quote, count: count - 3))
                    return result
                }
                result.unicodeScalars.append(contentsOf: Array(repeating: quote, count: count))
            } else if isNewline(next) {
                try newline()
                result.unicodeScalars.append("\n")
            } else if next == "\\" && !literal {
                advance()
                if try skipLineEndingBackslash() { continue }
                result.unicodeScalars.append(try escape())
            } else {
                advance()
                if Self.isControl(next) { throw controlInString(next) }
                result.unicodeScalars.append(next)
            }
        }
    }

    /// After a backslash: whitespace up to the end of the line, and every blank after it.
    private mutating func skipLineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var ahead = index
        while ahead < text.count, text[ahead] == " " || text[ahead] == "\t" { ahead += 1 }
        guard ahead < text.count, text[ahead] == "\n" || text[ahead] == "\r" else { return false }
        index = ahead
        while let next = peek(), next == " " || next == "\t" || isNewline(next) {
            if isNewline(next) { try newline() } else { advance() }
        }
        return true
    }

    /// After a backslash in a basic string.
    private mutating func escape() throws(TOMLSyntaxError) -> Unicode.Scalar {
        guard let code = peek() else { throw error("a string ends in a backslash") }
        advance()
        switch code {
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "\"": return "\""
        case "\\": return "\\"
        case "u", "U":
            let digits = code == "u" ? 4 : 8
            var value: UInt32 = 0
            for _ in 0..<digits {
                guard let digit = peek(), digit.isASCII, let nibble = UInt32(String(digit), radix: 16) else {
                    throw error("\\\(code) takes \(digits) hexadecimal digits")
                }
                value = value * 16 + nibble
                advance()
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw error("\\\(code) names \(Self.code(value)), which is not a Unicode scalar value")
            }
            return scalar
        default:
            throw error("unknown escape \\\(Self.describe(code)) (TOML has \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)")
        }
    }

    /// A control character just read (the column is the one before the current).
    private func controlInString(_ scalar: Unicode.Scalar) -> TOMLSyntaxError {
        TOMLSyntaxError(line: line, column: position.column - 1,
                        message: "control character \(Self.code(scalar)) in a string (write it as an escape)")
    }

    private static func code(_ value: UInt32) -> String {
        "U+" + String(value, radix: 16, uppercase: true)
    }

    // MARK: - Booleans and numbers

    private mutating func boolean() throws(TOMLSyntaxError) -> TOMLValue {
        for (word, value) in [("true", true), ("false", false)] where matches(word) {
            index += word.unicodeScalars.count
            return .boolean(value)
        }
        throw unexpected(peek(), expected: "a value (true, false, a string, number, date, array or inline table)")
    }

    private func matches(_ word: String) -> Bool {
        for (offset, scalar) in word.unicodeScalars.enumerated() where peek(offset) != scalar { return false }
        if let after = peek(word.unicodeScalars.count), Self.isBareKey(after) { return false }
        return true
    }

    /// An integer (decimal, 0x, 0o, 0b; `_` between digits) or a float (fraction, exponent, inf, nan).
    private mutating func number() throws(TOMLSyntaxError) -> TOMLValue {
        let start = index
        while let next = peek(), Self.isBareKey(next) || next == "+" || next == "." { advance() }
        let token = String(String.UnicodeScalarView(text[start..<index]))
        guard let value = Self.number(token) else {
            throw TOMLSyntaxError(line: line, column: start - lineStart + 1, message: "\(token) is not a TOML number")
        }
        return value
    }

    static func number(_ token: String) -> TOMLValue? {
        var body = Substring(token)
        var sign = ""
        if let first = body.first, first == "+" || first == "-" {
            sign = first == "-" ? "-" : ""
            body = body.dropFirst()
        }
        switch body {
        case "inf": return .float(sign == "-" ? -.infinity : .infinity)
        case "nan": return .float(.nan)
        default: break
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where body.hasPrefix(prefix) {
            let digits = body.dropFirst(2)
            guard sign.isEmpty, token.first != "+", let clean = underscoresBetweenDigits(digits, radix: radix),
                  let value = Int(clean, radix: radix) else { return nil }
            return .integer(value)
        }
        let exponentAt = body.firstIndex { $0 == "e" || $0 == "E" }
        let mantissa = exponentAt.map { body[..<$0] } ?? body
        let dot = mantissa.firstIndex(of: ".")
        let integerPart = dot.map { mantissa[..<$0] } ?? mantissa
        guard let whole = underscoresBetweenDigits(integerPart, radix: 10),
              whole == "0" || !whole.hasPrefix("0") else { return nil }
        var clean = sign + whole
        if let dot {
            guard let fraction = underscoresBetweenDigits(mantissa[mantissa.index(after: dot)...], radix: 10) else { return nil }
            clean += "." + fraction
        }
        if let exponentAt {
            var exponent = body[body.index(after: exponentAt)...]
            var exponentSign = ""
            if let first = exponent.first, first == "+" || first == "-" {
                exponentSign = String(first)
                exponent = exponent.dropFirst()
            }
            guard let digits = underscoresBetweenDigits(exponent, radix: 10) else { return nil }
            clean += "e" + exponentSign + digits
        }
        if dot == nil && exponentAt == nil {
            return Int(clean).map(TOMLValue.integer)
        }
        return Double(clean).map(TOMLValue.float)
    }

    /// The digits without underscores, or `nil` unless every underscore sits between two digits.
    private static func underscoresBetweenDigits(_ text: Substring, radix: Int) -> String? {
        var clean = ""
        var previousWasDigit = false
        for character in text {
            if character == "_" {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else {
                guard character.isASCII, character.hexDigitValue.map({ $0 < radix }) == true else { return nil }
                clean.append(character)
                previousWasDigit = true
            }
        }
        return previousWasDigit ? clean : nil
    }

    // MARK: - Dates and times

    /// Whether a date (`1979-05-27`) or a time (`07:32:00`) starts here.
    private func isDateTimeAhead() -> Bool {
        func digit(_ offset: Int) -> Bool { peek(offset).map { ("0"..."9").contains($0) } ?? false }
        return (digit(0) && digit(1) && digit(2) && digit(3) && peek(4) == "-")
            || (digit(0) && digit(1) && peek(2) == ":")
    }

    /// An offset or local date-time, a local date or a local time (RFC 3339), kept as text.
    private mutating func dateTime() throws(TOMLSyntaxError) -> TOMLValue {
        let start = index
        var written = ""
        func take(_ count: Int) -> String {
            var part = ""
            for _ in 0..<count {
                guard let next = peek() else { break }
                part.unicodeScalars.append(next)
                advance()
            }
            written += part
            return part
        }
        func number(_ count: Int, in range: ClosedRange<Int>) -> Bool {
            let digits = take(count)
            guard digits.unicodeScalars.count == count, digits.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }),
                  let value = Int(digits), range.contains(value) else { return false }
            return true
        }
        func time() -> Bool {
            guard number(2, in: 0...23), take(1) == ":", number(2, in: 0...59), take(1) == ":",
                  number(2, in: 0...60) else { return false }
            if peek() == "." {
                _ = take(1)
                var digits = 0
                while let next = peek(), ("0"..."9").contains(next) { _ = take(1); digits += 1 }
                guard digits > 0 else { return false }
            }
            return true
        }
        var valid: Bool
        if peek(2) == ":" {
            valid = time()
        } else {
            valid = number(4, in: 0...9999) && take(1) == "-" && number(2, in: 1...12) && take(1) == "-"
                && number(2, in: 1...31)
            if valid, let separator = peek(), separator == "T" || separator == "t"
                || (separator == " " && peek(1).map { ("0"..."9").contains($0) } == true) {
                _ = take(1)
                valid = time()
                if valid, let zone = peek() {
                    if zone == "Z" || zone == "z" {
                        _ = take(1)
                    } else if zone == "+" || zone == "-" {
                        _ = take(1)
                        valid = number(2, in: 0...23) && take(1) == ":" && number(2, in: 0...59)
                    }
                }
            }
        }
        guard valid, peek().map({ !Self.isBareKey($0) && $0 != ":" && $0 != "." }) ?? true else {
            throw TOMLSyntaxError(line: line, column: start - lineStart + 1,
                                  message: "\(written) is not a TOML date or time (such as 1979-05-27T07:32:00Z)")
        }
        return .dateTime(written)
    }

    // MARK: - Arrays and inline tables

    /// `[ value, value, ]`: across lines, with comments.
    private mutating func array() throws(TOMLSyntaxError) -> TOMLValue {
        advance()
        var elements: [TOMLValue] = []
        while true {
            try skipBlanksAndComments()
            if peek() == "]" { advance(); return .array(elements) }
            elements.append(try value())
            try skipBlanksAndComments()
            switch peek() {
            case ",": advance()
            case "]": advance(); return .array(elements)
            case let next: throw unexpected(next, expected: "',' or ']' in an array")
            }
        }
    }

    private mutating func skipBlanksAndComments() throws(TOMLSyntaxError) {
        while true {
            skipWhitespace()
            try skipComment()
            guard let next = peek(), isNewline(next) else { return }
            try newline()
        }
    }

    /// `{ key = value, a.b = value }`: on one line, no comma after the last pair; sealed once read.
    private mutating func inlineTable() throws(TOMLSyntaxError) -> TOMLValue {
        advance()
        var table = TOMLTable(origin: .dotted)
        skipWhitespace()
        if peek() == "}" {
            advance()
            table.origin = .inline
            return .table(table)
        }
        while true {
            let start = position
            let keys = try key(naming: "a key")
            try expect("=", after: "a key")
            skipWhitespace()
            let value = try self.value()
            try Self.insert(value, at: keys[...], into: &table, at: start)
            skipWhitespace()
            switch peek() {
            case ",": advance()
            case "}":
                advance()
                table.origin = .inline
                return .table(table)
            case let next: throw unexpected(next, expected: "',' or '}' in an inline table (which stays on one line)")
            }
        }
    }
}
