/// The few ANSI/xterm control sequences the dashboard uses: take over the screen
/// (alternate screen, cursor hidden, no automatic wrap), paint a frame line by line at
/// absolute positions (no scrolling, whatever was there before), and give the screen back.
enum AnsiScreen {
    static let enter = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[?7l\u{1B}[2J"
    static let leave = "\u{1B}[?7h\u{1B}[?25h\u{1B}[?1049l"

    /// Every row of a terminal `rows` high: the frame's lines, then blank rows.
    static func paint(_ frame: [String], rows: Int) -> String {
        var out = ""
        for row in 0..<max(rows, frame.count) {
            out += "\u{1B}[\(row + 1);1H\u{1B}[2K"
            if row < frame.count { out += frame[row] }
        }
        return out
    }
}
