/// Refuses, before the text reaches the parser, what no TOML 1.0 document holds: a control
/// character (below U+0020 but tab, line feed and carriage return, and U+007F) anywhere; a
/// character past ASCII outside strings and comments (bare keys are ASCII; so is every
/// value that is not a string); and a table header whose name does not start with a bare
/// key character or a quote (`[`, `[#`, `[ .a]`, `[é]`). TOMLKit's parser (toml++) reads a
/// header's name without checking its first character and aborts the whole process on an
/// assertion for those (found by the fuzzer), rather than reporting a syntax error.
/// Refusing them first loses no valid config and turns the crash into an error with its
/// line and column.
///
/// Hand-written, because it must run before the one TOML parser the project has; a small
/// lexer: it follows strings (basic, literal, multi-line), comments, and the brackets of
/// array values (so that a nested array opening on its own line is not taken for a header).
enum TOMLTextCheck {
    struct Problem: Equatable {
        var line: Int
        var column: Int
        var message: String
    }

    private enum Place {
        case bare, comment, basic, literal, multilineBasic, multilineLiteral
    }

    static func firstProblem(in text: String) -> Problem? {
        let scalars = Array(text.unicodeScalars)
        var place = Place.bare
        var line = 1
        var column = 1
        var index = 0
        /// The previous character was a backslash in a basic string: this one is not a quote.
        var escaped = false
        /// Open brackets of array values, and whether a value is due (after `=`): a `[`
        /// that is neither, first on its line, opens a table header.
        var arrayDepth = 0
        var valueDue = false
        var lineStart = true
        func starts(_ marker: String, at position: Int) -> Bool {
            let marker = Array(marker.unicodeScalars)
            return position + marker.count <= scalars.count && Array(scalars[position..<position + marker.count]) == marker
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.value == 0x0A {
                line += 1
                column = 1
                index += 1
                escaped = false
                valueDue = false
                lineStart = true
                if place == .comment || place == .basic || place == .literal { place = .bare }
                continue
            }
            if (scalar.value < 0x20 && scalar.value != 0x09 && scalar.value != 0x0D) || scalar.value == 0x7F {
                return Problem(line: line, column: column,
                               message: "control character U+\(hex(scalar)) is not allowed (only tab, line feed and "
                                   + "carriage return; in a string, write it as \\u\(hex(scalar)))")
            }
            var step = 1
            switch place {
            case .bare:
                if scalar == "#" {
                    place = .comment
                } else if starts("\"\"\"", at: index) {
                    place = .multilineBasic
                    step = 3
                } else if starts("'''", at: index) {
                    place = .multilineLiteral
                    step = 3
                } else if scalar == "\"" {
                    place = .basic
                } else if scalar == "'" {
                    place = .literal
                } else if !scalar.isASCII {
                    return Problem(line: line, column: column,
                                   message: "character U+\(hex(scalar)) outside a string or comment (keys and values "
                                       + "other than strings are ASCII; quote a key that needs it)")
                } else if scalar == "[" {
                    if arrayDepth > 0 || valueDue {
                        arrayDepth += 1
                    } else if lineStart, let bad = badHeaderName(scalars, from: index + 1) {
                        return Problem(line: line, column: column + (bad - index),
                                       message: "a table name must start with a letter, digit, _, - or a quote")
                    }
                    valueDue = false
                } else if scalar == "]" {
                    if arrayDepth > 0 { arrayDepth -= 1 }
                } else if scalar == "=" {
                    valueDue = true
                } else if scalar != " " && scalar != "\t" && scalar != "\r" && scalar != "," {
                    valueDue = false
                }
            case .comment:
                break
            case .basic:
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if scalar == "\"" {
                    place = .bare
                }
            case .literal:
                if scalar == "'" { place = .bare }
            case .multilineBasic:
                if escaped {
                    escaped = false
                } else if scalar == "\\" {
                    escaped = true
                } else if starts("\"\"\"", at: index) {
                    place = .bare
                    step = 3
                }
            case .multilineLiteral:
                if starts("'''", at: index) {
                    place = .bare
                    step = 3
                }
            }
            if scalar != " " && scalar != "\t" { lineStart = false }
            column += step
            index += step
        }
        return nil
    }

    /// The position of the first character of a table header's name (after the `[` at
    /// `start - 1`, a second `[` and spaces) when it cannot start a key; nil when it can, or
    /// is `]` (the parser reports an empty name itself).
    private static func badHeaderName(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start
        if index < scalars.count, scalars[index] == "[" { index += 1 }
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
        guard index < scalars.count else { return index }
        let first = scalars[index]
        let startsKey = (first.isASCII && (first.properties.isAlphabetic || ("0"..."9").contains(first)))
            || first == "_" || first == "-" || first == "\"" || first == "'" || first == "]"
        return startsKey ? nil : index
    }

    /// Four hex digits at least: "007F".
    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
