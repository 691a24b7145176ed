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

    /// Where the plot area lies in the chart, and how axis values map into it.
    private struct Plot {
        let top: Double
        let bottom: Double
        let xAxis: ChartAxis
        let yAxis: ChartAxis
        var left: Double { LineChart.left }
        var right: Double { LineChart.left + LineChart.plotWidth }

        func x(_ value: Double) -> Double { xAxis.position(value, start: left, length: right - left) }
        func y(_ value: Double) -> Double { yAxis.position(value, start: top, length: bottom - top, reversed: true) }
    }

    func svg() -> String {
        let legend = legendLayout()
        let top = Self.legendTop + Double(legend.rows) * Self.legendRow + 6
        let plot = Plot(top: top, bottom: Self.height - Self.bottom, xAxis: xAxis, yAxis: yAxis)
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(Self.width)) \(Int(Self.height))\""
            + " width=\"\(Int(Self.width))\" height=\"\(Int(Self.height))\" role=\"img\" font-family=\"sans-serif\">"
        svg += "<title>\(MarkupText.escaped(title))</title>"
        svg += "<text class=\"chart-title\" x=\"\(Self.left)\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#222\">"
            + "\(MarkupText.escaped(title))</text>"
        svg += legend.markup + gridAndAxes(plot)
        for threshold in thresholds {
            let level = n(plot.y(threshold.value))
            svg += "<line class=\"threshold\" x1=\"\(n(plot.left))\" y1=\"\(level)\" x2=\"\(n(plot.right))\" y2=\"\(level)\""
                + " stroke=\"#c00000\" stroke-width=\"1.2\" stroke-dasharray=\"6 3\"/>"
        }
        svg += lines(plot)
        // Threshold labels last, with a white halo, so no line crosses them unreadably.
        for threshold in thresholds {
            svg += "<text class=\"threshold-label\" x=\"\(n(plot.right - 4))\" y=\"\(n(plot.y(threshold.value)))\" dy=\"-5\""
                + " font-size=\"11\" fill=\"#c00000\" text-anchor=\"end\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">"
                + "\(MarkupText.escaped(threshold.label))</text>"
        }
        return svg + "</svg>"
    }

    /// Grid lines at every tick, tick marks and labels on both axes, the time
    /// (or overcommit) axis title, and the axis lines.
    private func gridAndAxes(_ plot: Plot) -> String {
        var svg = "<g class=\"grid\" stroke=\"#e6e6e6\" stroke-width=\"1\">"
        for tick in yAxis.ticks { svg += line(plot.left, plot.y(tick.value), plot.right, plot.y(tick.value)) }
        for tick in xAxis.ticks { svg += line(plot.x(tick.value), plot.top, plot.x(tick.value), plot.bottom) }
        svg += "</g><g class=\"y-axis\" font-size=\"11\" fill=\"#444\" text-anchor=\"end\">"
        for tick in yAxis.ticks {
            let level = plot.y(tick.value)
            svg += axisTick(plot.left - 4, level, plot.left, level, label: tick.label, at: (plot.left - 7, level), dy: "0.35em")
        }
        svg += "</g><g class=\"x-axis\" font-size=\"11\" fill=\"#444\" text-anchor=\"middle\">"
        for tick in xAxis.ticks {
            let position = plot.x(tick.value)
            svg += axisTick(position, plot.bottom, position, plot.bottom + 4, label: tick.label, at: (position, plot.bottom + 16))
        }
        svg += "<text class=\"axis-title\" x=\"\(n((plot.left + plot.right) / 2))\" y=\"\(n(Self.height - 6))\" fill=\"#666\">"
            + "\(MarkupText.escaped(xAxis.title))</text></g>"
        return svg + "<path class=\"plot-frame\" d=\"M\(n(plot.left)) \(n(plot.top))V\(n(plot.bottom))H\(n(plot.right))\" fill=\"none\" stroke=\"#888\"/>"
    }

    /// Every series in order: demand as a shaded area, policies as lines, widest first.
    private func lines(_ plot: Plot) -> String {
        var svg = ""
        let count = series.filter { !$0.style.filled }.count
        var drawn = 0
        for line in series {
            let points = Self.withoutFlatRuns(line.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { (x: n(plot.x($0.x)), y: n(plot.y($0.y))) })
            guard let first = points.first, let last = points.last else { continue }
            let path = points.map { "\($0.x),\($0.y)" }.joined(separator: " ")
            svg += "<g class=\"series\"><title>\(MarkupText.escaped(line.label))</title>"
            if line.style.filled {
                let baseline = n(plot.y(max(yAxis.lower, 0)))
                svg += "<polygon points=\"\(first.x),\(baseline) \(path) \(last.x),\(baseline)\" fill=\"\(line.style.color)\""
                    + " fill-opacity=\"0.13\" stroke=\"none\"/><polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.style.color)\""
                    + " stroke-width=\"1\" stroke-opacity=\"0.8\"/></g>"
                continue
            }
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.style.color)\""
                + " stroke-width=\"\(Self.lineWidth(drawn: drawn, of: count))\" stroke-opacity=\"0.9\" stroke-linejoin=\"round\""
                + (line.style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? "") + "/>"
            drawn += 1
            if line.markers {
                for point in points {
                    svg += "<circle cx=\"\(point.x)\" cy=\"\(point.y)\" r=\"3.2\" fill=\"\(line.style.color)\" stroke=\"#fff\" stroke-width=\"0.8\"/>"
                }
            }
            svg += "</g>"
        }
        return svg
    }

    /// A `<line/>` from (x1, y1) to (x2, y2); `attributes` start with a space.
    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, attributes: String = "") -> String {
        "<line\(attributes) x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\"/>"
    }

    /// A tick mark from (x1, y1) to (x2, y2) and its label at `label`.
    private func axisTick(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double,
                          label text: String, at label: (x: Double, y: Double), dy: String? = nil) -> String {
        line(x1, y1, x2, y2, attributes: " class=\"tick\" stroke=\"#888\"")
            + "<text class=\"tick-label\" x=\"\(n(label.x))\" y=\"\(n(label.y))\"" + (dy.map { " dy=\"\($0)\"" } ?? "")
            + ">\(MarkupText.escaped(text))</text>"
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
