/// Text placed in the report's HTML and SVG: every name that comes from a
/// trace (VM names, file names) may hold markup characters, and the report is
/// opened in a browser, so nothing reaches the page unescaped.
enum MarkupText {
    /// `text` safe inside an element and inside a double- or single-quoted attribute.
    static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
