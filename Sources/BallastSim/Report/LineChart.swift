import BallastCore

/// One chart of the report as inline SVG: a title, a legend, grid lines, ticked
/// and labelled axes, and one line per series. Lines are drawn widest first and
/// dashed, so a line lying exactly on another still shows around it.
struct LineChart: Sendable {
    /// One line: points in axis units, already reduced to what the chart can show.
    struct Series: Sendable {
        var label: String
        var style: SeriesStyle
        var points: [(x: Double, y: Double)]
        /// Draw a dot at every point (for sparse series such as a sweep).
        var markers = false
    }

    /// A marked horizontal level, e.g. the 1 % limit of the density sweep.
    struct Threshold: Sendable {
        var value: Double
        var label: String
    }

    var title: String
    var xAxis: ChartAxis
    var yAxis: ChartAxis
    var series: [Series]
    var thresholds: [Threshold] = []

    static let width = 600.0
    static let height = 330.0
    static let left = 54.0
    static let right = 16.0
    static let bottom = 42.0
    static let legendTop = 40.0
    static let legendRow = 17.0
    /// Pixels the plot area spans horizontally.
    static var plotWidth: Double { width - left - right }

    func svg() -> String {
        let legend = legendLayout()
        let top = Self.legendTop + Double(legend.rows) * Self.legendRow + 6
        let plotHeight = Self.height - top - Self.bottom
        let plotRight = Self.left + Self.plotWidth
        let plotBottom = top + plotHeight
        func x(_ value: Double) -> Double { xAxis.position(value, start: Self.left, length: Self.plotWidth) }
        func y(_ value: Double) -> Double { yAxis.position(value, start: top, length: plotHeight, reversed: true) }

        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\""
            + " width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" role=\"img\" font-family=\"sans-serif\">"
        svg += "<title>\(MarkupText.escaped(title))</title>"
        svg += "<text class=\"chart-title\" x=\"\(Self.left)\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">"
            + "\(MarkupText.escaped(title))</text>"
        svg += legend.markup

        svg += "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">"
        for tick in yAxis.ticks { svg += "<line x1=\"\(n(Self.left))\" y1=\"\(n(y(tick.value)))\" x2=\"\(n(plotRight))\" y2=\"\(n(y(tick.value)))\"/>" }
        for tick in xAxis.ticks { svg += "<line x1=\"\(n(x(tick.value)))\" y1=\"\(n(top))\" x2=\"\(n(x(tick.value)))\" y2=\"\(n(plotBottom))\"/>" }
        svg += "</g>"

        svg += "<g class=\"y-axis\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\">"
        for tick in yAxis.ticks {
            let position = n(y(tick.value))
            svg += "<line class=\"tick\" x1=\"\(n(Self.left - 4))\" y1=\"\(position)\" x2=\"\(n(Self.left))\" y2=\"\(position)\" stroke=\"#888\"/>"
            svg += "<text class=\"tick-label\" x=\"\(n(Self.left - 7))\" y=\"\(position)\" dy=\"0.35em\">\(MarkupText.escaped(tick.label))</text>"
        }
        svg += "</g>"
        svg += "<g class=\"x-axis\" font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">"
        for tick in xAxis.ticks {
            let position = n(x(tick.value))
            svg += "<line class=\"tick\" x1=\"\(position)\" y1=\"\(n(plotBottom))\" x2=\"\(position)\" y2=\"\(n(plotBottom + 4))\" stroke=\"#888\"/>"
            svg += "<text class=\"tick-label\" x=\"\(position)\" y=\"\(n(plotBottom + 16))\">\(MarkupText.escaped(tick.label))</text>"
        }
        svg += "<text class=\"axis-title\" x=\"\(n(Self.left + Self.plotWidth / 2))\" y=\"\(n(Self.height - 6))\" fill=\"#666\">"
            + "\(MarkupText.escaped(xAxis.title))</text>"
        svg += "</g>"
        svg += "<path d=\"M\(n(Self.left)) \(n(top))V\(n(plotBottom))H\(n(plotRight))\" fill=\"none\" stroke=\"#888\"/>"

        for threshold in thresholds {
            let level = n(y(threshold.value))
            svg += "<line class=\"threshold\" x1=\"\(n(Self.left))\" y1=\"\(level)\" x2=\"\(n(plotRight))\" y2=\"\(level)\""
                + " stroke=\"#c00000\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"/>"
        }

        let lines = series.filter { !$0.style.filled }
        var lineIndex = 0
        for line in series {
            let points = line.points.filter { $0.x.isFinite && $0.y.isFinite }.map { (x: n(x($0.x)), y: n(y($0.y))) }
            guard !points.isEmpty else { continue }
            let kept = Self.withoutFlatRuns(points)
            let label = "<title>\(MarkupText.escaped(line.label))</title>"
            if line.style.filled {
                let outline = kept.map { "\($0.x),\($0.y)" }.joined(separator: " ")
                let baseline = n(y(max(yAxis.lower, 0)))
                svg += "<g class=\"series\">\(label)<polygon points=\"\(kept[0].x),\(baseline) \(outline) \(kept[kept.count - 1].x),\(baseline)\""
                    + " fill=\"\(line.style.color)\" fill-opacity=\"0.13\" stroke=\"none\"/>"
                    + "<polyline points=\"\(outline)\" fill=\"none\" stroke=\"\(line.style.color)\" stroke-width=\"1\" stroke-opacity=\"0.8\"/></g>"
                continue
            }
            let width = Self.lineWidth(drawn: lineIndex, of: lines.count)
            lineIndex += 1
            svg += "<g class=\"series\">\(label)<polyline points=\"\(kept.map { "\($0.x),\($0.y)" }.joined(separator: " "))\""
                + " fill=\"none\" stroke=\"\(line.style.color)\" stroke-width=\"\(width)\" stroke-opacity=\"0.9\""
                + " stroke-linejoin=\"round\"" + (line.style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
            if line.markers {
                for point in kept {
                    svg += "<circle cx=\"\(point.x)\" cy=\"\(point.y)\" r=\"3.2\" fill=\"\(line.style.color)\" stroke=\"#fff\" stroke-width=\"0.8\"/>"
                }
            }
            svg += "</g>"
        }
        // Threshold labels last, with a white halo, so no line crosses them unreadably.
        for threshold in thresholds {
            svg += "<text class=\"threshold-label\" x=\"\(n(plotRight - 4))\" y=\"\(n(y(threshold.value)))\" dy=\"-5\" font-size=\"11\""
                + " fill=\"#c00000\" text-anchor=\"end\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">"
                + "\(MarkupText.escaped(threshold.label))</text>"
        }
        return svg + "</svg>"
    }

    /// Lines drawn earlier are wider: 1.4 px for the top line, 0.7 px more per line beneath it.
    static func lineWidth(drawn index: Int, of count: Int) -> String {
        (1.4 + 0.7 * Double(max(count - 1 - index, 0))).decimalText(places: 1)
    }

    /// The points without the inner points of horizontal runs (a policy that sits
    /// at 0 % for hours is two points, not hundreds).
    static func withoutFlatRuns(_ points: [(x: String, y: String)]) -> [(x: String, y: String)] {
        guard points.count > 2 else { return points }
        var kept = [points[0]]
        for index in 1..<(points.count - 1)
        where !(points[index].y == points[index - 1].y && points[index].y == points[index + 1].y) {
            kept.append(points[index])
        }
        kept.append(points[points.count - 1])
        return kept
    }

    /// The legend: one sample line (or shaded box) and label per series, in
    /// rows that wrap at the chart's width.
    private func legendLayout() -> (markup: String, rows: Int) {
        var markup = "<g class=\"legend\" font-size=\"12\" fill=\"#333\">"
        var cursor = Self.left
        var row = 0
        let lines = series.filter { !$0.style.filled }.count
        var lineIndex = 0
        for item in series {
            let itemWidth = 30 + 6.8 * Double(item.label.count) + 16
            if cursor + itemWidth > Self.width - Self.right, cursor > Self.left {
                row += 1
                cursor = Self.left
            }
            let middle = Self.legendTop + Double(row) * Self.legendRow
            if item.style.filled {
                markup += "<rect x=\"\(n(cursor))\" y=\"\(n(middle - 5))\" width=\"24\" height=\"10\" fill=\"\(item.style.color)\""
                    + " fill-opacity=\"0.13\" stroke=\"\(item.style.color)\" stroke-width=\"1\"/>"
            } else {
                let width = Self.lineWidth(drawn: lineIndex, of: lines)
                lineIndex += 1
                markup += "<line x1=\"\(n(cursor))\" y1=\"\(n(middle))\" x2=\"\(n(cursor + 24))\" y2=\"\(n(middle))\""
                    + " stroke=\"\(item.style.color)\" stroke-width=\"\(width)\""
                    + (item.style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
            }
            markup += "<text x=\"\(n(cursor + 30))\" y=\"\(n(middle))\" dy=\"0.35em\">\(MarkupText.escaped(item.label))</text>"
            cursor += itemWidth
        }
        return (markup + "</g>", row + 1)
    }

    /// A coordinate with one decimal.
    private func n(_ value: Double) -> String { value.decimalText(places: 1) }
}
