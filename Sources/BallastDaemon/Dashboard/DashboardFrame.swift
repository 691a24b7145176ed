import BallastCore

/// One screen of the live dashboard, as lines of text, from the dashboard's state and
/// the terminal's size: a pure function, so what an operator sees is unit-tested.
/// Every line fits the width (cells are cut with "…", never wrapped by the terminal)
/// and the frame never has more lines than the terminal has rows. Top to bottom: what
/// is balanced, the tick, where the logs go, the table (one row per VM, its columns two
/// spaces apart), and the most recent decisions with their reasons, newest first.
public enum DashboardFrame {
    /// The title, the tick line, the logs line and a blank line.
    static let topLines = 4
    /// The table's header, one row and a line counting the others, a blank line, the
    /// decisions' title and one decision.
    static let minimumRows = topLines + 6
    static let columnGap = "  "

    /// The columns of numbers: header and width (values are right-aligned), in `numbers(of:)`'s order.
    private static let numberColumns: [(header: String, width: Int)] = [
        ("CPU demand", 10), ("CPU share", 9), ("mem demand", 10), ("mem alloc", 10), ("conf", 4),
    ]

    private static func numbers(of row: DashboardState.Row) -> [String] {
        [row.cpuDemand, row.cpuShare, row.memoryDemand, row.memoryAllocation, row.confidence]
    }

    static let narrowestName = 8
    static let widestName = 24
    /// The last-change column is shown only when it can be this wide.
    static let narrowestLastChange = 12

    /// The columns without the last change, for a name `nameWidth` wide.
    static func fixedWidth(nameWidth: Int) -> Int {
        numberColumns.reduce(nameWidth) { $0 + columnGap.count + $1.width }
    }

    /// The smallest terminal the dashboard draws in.
    public static var minimumSize: TerminalSize {
        TerminalSize(columns: fixedWidth(nameWidth: narrowestName), rows: minimumRows)
    }

    public static func render(_ state: DashboardState, size: TerminalSize) -> [String] {
        let minimum = minimumSize
        guard size.columns >= minimum.columns, size.rows >= minimum.rows else { return tooSmall(size, minimum) }
        let width = size.columns
        var top = [title(state), state.tickFailure.map { "tick failed: \($0)" } ?? state.tick?.text
                    ?? "waiting for the first tick…", footer(state)]
        if let warning = state.lastWarning, size.rows > minimum.rows { top.append("last warning: \(warning)") }
        var lines = top.map { TerminalText.cut(TerminalText.clean($0), width) } + [""]

        let table = tableLines(state.rows, width: width)
        let decisionsTitle = "last decisions (newest first)"
        // Lines kept for decisions: up to three, fewer on a short terminal, the rest for the table.
        let decisionLines = max(1, min(3, state.decisions.count, size.rows - lines.count - 5))
        let bodyRoom = size.rows - lines.count - 1 - 2 - decisionLines
        lines.append(table.header)
        if table.rows.count <= bodyRoom {
            lines += table.rows
        } else {
            lines += table.rows.prefix(bodyRoom - 1)
            let hidden = table.rows.count - (bodyRoom - 1)
            lines.append(TerminalText.cut("… \(hidden) more VMs: enlarge the terminal, or `ballast status` lists them all",
                                          width))
        }
        if state.rows.isEmpty { lines.append("(no VMs on this host)") }
        lines += ["", decisionsTitle]
        lines += decisions(state.decisions, columns: width, room: size.rows - lines.count)
        return lines
    }

    private static func title(_ state: DashboardState) -> String {
        let backend = state.backend
        if backend.isSimulated { return "ballast  \(BackendIdentity.simulatedBanner) (\(backend.uri))" }
        return "ballast  balancing libvirt guests at \(backend.uri)"
    }

    private static func footer(_ state: DashboardState) -> String {
        var text = "logs: \(state.logs)"
        if let endpoint = state.endpoint { text += "  endpoint: http://\(endpoint)" }
        return text + "  Ctrl-C stops"
    }

    /// The header and one line per row, with the columns that fit `width`.
    private static func tableLines(_ rows: [DashboardState.Row], width: Int) -> (header: String, rows: [String]) {
        let longestName = rows.map { TerminalText.width(TerminalText.clean($0.name)) }.max() ?? 0
        let nameWidth = min(max(narrowestName, longestName), widestName, width - fixedWidth(nameWidth: 0))
        let fixed = fixedWidth(nameWidth: nameWidth)
        let lastChangeWidth = width - fixed - columnGap.count
        let showsLastChange = lastChangeWidth >= narrowestLastChange

        func line(name: String, numbers: [String], lastChange: String) -> String {
            var cells = [TerminalText.fit(TerminalText.clean(name), nameWidth)]
            for (column, value) in zip(numberColumns, numbers) {
                cells.append(TerminalText.fit(TerminalText.clean(value), column.width, alignRight: true))
            }
            if showsLastChange { cells.append(TerminalText.cut(TerminalText.clean(lastChange), lastChangeWidth)) }
            return cells.joined(separator: columnGap)
        }
        let header = line(name: "VM", numbers: numberColumns.map(\.header), lastChange: "last change")
        let body = rows.map { row in
            line(name: row.name, numbers: numbers(of: row), lastChange: row.lastChange)
        }
        return (header, body)
    }

    /// The newest decisions that fit in `room` lines, each wrapped under its tick.
    private static func decisions(_ decisions: [DashboardState.Decision], columns: Int, room: Int) -> [String] {
        guard !decisions.isEmpty else { return room > 0 ? ["none yet"] : [] }
        var lines: [String] = []
        for decision in decisions.reversed() {
            let left = room - lines.count
            if left <= 0 { break }
            let wrapped = TerminalText.wrap(TerminalText.clean("tick \(decision.tick)  \(decision.text)"),
                                            columns: columns, indent: 4)
            if wrapped.count <= left {
                lines += wrapped
            } else {
                lines += wrapped.prefix(left - 1)
                lines.append(TerminalText.cut(wrapped[left - 1] + " …", columns))
            }
        }
        return lines
    }

    /// What a terminal too small for the dashboard shows instead of a garbled table.
    private static func tooSmall(_ size: TerminalSize, _ minimum: TerminalSize) -> [String] {
        guard size.columns > 0, size.rows > 0 else { return [] }
        let text = "terminal too small for the dashboard: \(size), it needs at least \(minimum). "
            + "Enlarge it; ballast keeps balancing (Ctrl-C stops it)."
        return Array(TerminalText.wrap(text, columns: size.columns, indent: 0).prefix(size.rows))
    }
}
