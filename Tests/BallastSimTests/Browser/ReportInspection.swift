import Foundation

/// Opens a report in headless Chromium twice (once with `ReportProbe` added,
/// once as written, for a screenshot with console logging) and lists every
/// way it fails to read like a page: sideways scrolling, a missing or
/// unlabelled chart, a console message, a blank screenshot, a chart with no
/// coloured line in it. Empty `problems`: the report renders.
struct ReportInspection {
    var probe: ReportProbe
    var screenshot: HeadlessChromium.Run
    /// Share of the screenshot's pixels that are not page background.
    var inkShare: Double
    var problems: [String]

    /// Coloured (not grey) pixels: what the series lines and legend swatches are drawn in.
    static func isColoured(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Bool {
        Int(max(red, green, blue)) - Int(min(red, green, blue)) > 70
    }

    /// Anything visibly darker than the page's near-white backgrounds.
    static func isInk(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Bool {
        min(red, green, blue) < 225
    }

    static func inspect(_ report: String, browser: HeadlessChromium, width: Int = 1280,
                        expectedCharts: Int, expectedPolicies: Int) throws -> ReportInspection {
        var problems: [String] = []
        let (probe, _) = try ReportProbe.measure(report, in: browser, width: width)
        if probe.scrollWidth > probe.clientWidth {
            problems.append("the page scrolls sideways at \(width) px: \(probe.scrollWidth) px wide in \(probe.clientWidth)")
        }
        if probe.otherScripts != 0 { problems.append("the page has \(probe.otherScripts) script(s); the report has none") }
        if probe.scoreRows != expectedPolicies {
            problems.append("the score table has \(probe.scoreRows) rows, expected one per policy (\(expectedPolicies))")
        }
        if probe.scoreColumns < 8 { problems.append("the score table has \(probe.scoreColumns) score columns") }
        if probe.charts.count != expectedCharts {
            problems.append("\(probe.charts.count) charts in the page, expected \(expectedCharts)")
        }
        for (index, chart) in probe.charts.enumerated() {
            let name = "chart \(index + 1) '\(chart.title)'"
            if chart.xTicks < 3 || chart.yTicks < 3 { problems.append("\(name): \(chart.xTicks) x and \(chart.yTicks) y tick labels") }
            if chart.gridLines < 6 { problems.append("\(name): \(chart.gridLines) grid lines") }
            if chart.series < 2 || chart.legendItems != chart.series {
                problems.append("\(name): \(chart.series) series, \(chart.legendItems) legend entries")
            }
            if chart.width < 400 || chart.height < 200 || chart.plot.width < 300 || chart.plot.height < 150 {
                problems.append("\(name): drawn \(chart.width) x \(chart.height) px, plot area \(chart.plot.width) x \(chart.plot.height)")
            }
        }

        let height = min(max(Int(probe.scrollHeight.rounded(.up)), 600), 16_000)
        let png = report + ".png"
        defer { try? FileManager.default.removeItem(atPath: png) }
        let shot = try browser.screenshot(of: report, to: png, width: width, height: height)
        if shot.status != 0 { problems.append("chromium --screenshot exited \(shot.status): \(shot.stderr.suffix(1000))") }
        problems += shot.consoleMessages.map { "console: \($0)" }
        var inkShare = 0.0
        if FileManager.default.fileExists(atPath: png) {
            let pixels = try PNGPixels(contentsOf: png)
            let ink = pixels.count(in: 0..<pixels.width, 0..<pixels.height, where: isInk)
            inkShare = Double(ink) / Double(max(pixels.width * pixels.height, 1))
            if inkShare < 0.01 {
                problems.append("the screenshot is blank: \(ink) of \(pixels.width * pixels.height) pixels differ from the background")
            }
            for (index, chart) in probe.charts.enumerated() {
                // Inside the axes only: the legend's swatches are coloured even when no line is drawn.
                let xs = Int(chart.plot.left.rounded(.up))..<Int(chart.plot.left + chart.plot.width)
                let ys = Int(chart.plot.top.rounded(.up))..<Int(chart.plot.top + chart.plot.height)
                let coloured = pixels.count(in: xs, ys, where: isColoured)
                if coloured < 300 {
                    problems.append("chart \(index + 1) '\(chart.title)' shows \(coloured) coloured pixels in its plot area "
                                    + "in the screenshot: no line drawn")
                }
            }
        } else {
            problems.append("chromium wrote no screenshot")
        }
        return ReportInspection(probe: probe, screenshot: shot, inkShare: inkShare, problems: problems)
    }
}
