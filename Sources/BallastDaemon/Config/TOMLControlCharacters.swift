/// Finds a control character that TOML forbids everywhere (anything below U+0020 but tab,
/// line feed and carriage return, and U+007F), before the text reaches the parser.
/// TOMLKit's parser (toml++) stops the whole process on an assertion for some of them
/// (found by the fuzzer: U+007F right after `[[`), rather than reporting a syntax error;
/// no valid TOML document holds one raw (they must be escaped in strings), so refusing
/// them first loses nothing and turns the crash into an error with its line and column.
enum TOMLControlCharacters {
    struct Found: Equatable {
        var line: Int
        var column: Int
        var scalar: Unicode.Scalar

        /// Four hex digits: "007F".
        var hex: String {
            let digits = String(scalar.value, radix: 16, uppercase: true)
            return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
        }
    }

    static func first(in text: String) -> Found? {
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A:
                line += 1
                column = 1
                continue
            case 0x09, 0x0D:
                break
            case 0x00...0x1F, 0x7F:
                return Found(line: line, column: column, scalar: scalar)
            default:
                break
            }
            column += 1
        }
        return nil
    }
}
