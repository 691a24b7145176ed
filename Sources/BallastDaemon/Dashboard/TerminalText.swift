/// Text made safe and measured for a terminal: what the dashboard puts on screen
/// comes from VM names and reasons it does not control, so control characters are
/// replaced (nothing can move the cursor) and width is counted in terminal columns
/// (a CJK character or an emoji takes two), so a cell never spills into the next.
enum TerminalText {
    /// The text with control and format characters (C0, DEL, C1, bidi overrides)
    /// shown as "?"; the zero-width joiner inside an emoji sequence is kept.
    static func clean(_ text: String) -> String {
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            let category = scalar.properties.generalCategory
            let unsafe = category == .control || (category == .format && scalar.value != 0x200D)
            result.unicodeScalars.append(unsafe ? "?" : scalar)
        }
        return result
    }

    /// Terminal columns `text` takes (clean text: no control characters).
    static func width(_ text: String) -> Int {
        text.reduce(0) { $0 + width(of: $1) }
    }

    /// Exactly `columns` wide: cut with "…" or padded with spaces (on the left with `alignRight`).
    static func fit(_ text: String, _ columns: Int, alignRight: Bool = false) -> String {
        let cut = cut(text, columns)
        let padding = String(repeating: " ", count: max(0, columns - width(cut)))
        return alignRight ? padding + cut : cut + padding
    }

    /// At most `columns` wide, cut with "…" when longer.
    static func cut(_ text: String, _ columns: Int) -> String {
        guard columns > 0 else { return "" }
        guard width(text) > columns else { return text }
        var result = ""
        var used = 0
        for character in text {
            let next = width(of: character)
            if used + next > columns - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…"
    }

    /// Word-wrapped into lines of at most `columns`; lines after the first are indented
    /// by `indent` spaces. Runs of spaces are kept within a line; a word longer than a
    /// line is split.
    static func wrap(_ text: String, columns: Int, indent: Int) -> [String] {
        guard columns > indent + 1 else { return [cut(text, columns)] }
        var lines: [String] = []
        var line = ""
        var lineStart = 0
        var used = 0
        func newLine() {
            lines.append(line)
            line = String(repeating: " ", count: indent)
            lineStart = indent
            used = indent
        }
        for piece in text.split(separator: " ", omittingEmptySubsequences: false) {
            var word = String(piece)
            if used > lineStart {
                if used + 1 + width(word) <= columns {
                    line += " "
                    used += 1
                } else {
                    newLine()
                }
            }
            while used + width(word) > columns {
                let (head, rest) = split(word, columns: columns - used)
                line += head
                newLine()
                word = rest
            }
            line += word
            used += width(word)
        }
        lines.append(line)
        return lines
    }

    /// The longest prefix of `word` that fits `columns` (at least one character), and the rest.
    private static func split(_ word: String, columns: Int) -> (String, String) {
        var head = ""
        var used = 0
        var index = word.startIndex
        while index < word.endIndex {
            let next = width(of: word[index])
            if used + next > columns, !head.isEmpty { break }
            head.append(word[index])
            used += next
            index = word.index(after: index)
        }
        return (head, String(word[index...]))
    }

    /// Two columns for East Asian wide and full-width characters and emoji shown as
    /// pictures, one otherwise (combining marks belong to their character).
    static func width(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.properties.isEmojiPresentation { return 2 }
        switch first.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return 2
        default:
            return 1
        }
    }
}
