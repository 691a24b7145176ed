import BallastCore
import Testing
@testable import BallastSim

/// The report's markup, without a browser: a real table, ticked and labelled
/// charts with a legend, every series drawn so that it shows, escaped names,
/// the sweep chart, and a size that does not grow with the run.
@Suite struct HTMLReportTests {
    /// The demo scenario (8 VMs, 10 minutes of 2-s ticks) under every policy, series kept.
    static func demoOutcome(names: [String]? = nil) async throws -> ComparisonOutcome {
        let scenario = try NamedScenarios.named("demo", seed: 1)
        var traces = scenario.traces(seed: 1)
        if let names {
            for index in traces.indices where index < names.count { traces[index].name = names[index] }
        }
        let options = ComparisonOptions(host: scenario.host, overcommit: scenario.overcommit, tick: scenario.tick,
                                        keepSeries: true)
        return await Comparison.run(traces: traces, options: options)
    }

    /// The SVG of each chart in `html`.
    static func charts(_ html: String) -> [Substring] {
        html.components(separatedBy: "<svg class=\"chart\"").dropFirst().map { text in
            Substring(text)[..<(text.range(of: "</svg>")?.upperBound ?? text.endIndex)]
        }
    }

    /// The group of `chart` that starts with `opening`, up to its `</g>` (the groups do not nest).
    static func group(_ opening: String, in chart: Substring) throws -> Substring {
        let start = try #require(chart.range(of: opening), "no \(opening)")
        let end = try #require(chart.range(of: "</g>", range: start.upperBound..<chart.endIndex))
        return chart[start.lowerBound..<end.upperBound]
    }

    static func count(_ needle: String, in text: some StringProtocol) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func scoresAreATableWithOneRowPerPolicy() async throws {
        let outcome = try await Self.demoOutcome()
        let html = HTMLReport.render(outcome, source: "scenario demo")
        #expect(!html.contains("<pre"))
        let body = try #require(html.range(of: "<tbody>").flatMap { start in
            html.range(of: "</tbody>").map { html[start.upperBound..<$0.lowerBound] }
        })
        #expect(Self.count("<tr", in: body) == PolicyKind.comparedByDefault.count)
        for policy in PolicyKind.comparedByDefault {
            #expect(body.contains("<th class=\"name\" scope=\"row\">\(policy.rawValue)"))
        }
        let memory = ReportTables.percent(outcome.policies[0].card.memoryShortfall)
        #expect(body.contains("<td class=\"best\">\(memory)</td>") || body.contains("<td>\(memory)</td>"))
        #expect(html.contains("scenario demo: 8 VMs on 1 host(s), \(outcome.ticks) ticks of 2.0 s"))
    }

    @Test func everyChartHasTimeAndValueTicksGridAndLegend() async throws {
        let html = HTMLReport.render(try await Self.demoOutcome())
        let charts = Self.charts(html)
        #expect(charts.count == 4 + 2 * 3)
        for chart in charts {
            let xAxis = try Self.group("<g class=\"x-axis\"", in: chart)
            let yAxis = try Self.group("<g class=\"y-axis\"", in: chart)
            #expect(Self.count("<line class=\"tick\"", in: xAxis) >= 4 && Self.count("class=\"tick-label\"", in: xAxis) >= 4)
            #expect(Self.count("<line class=\"tick\"", in: yAxis) >= 3 && Self.count("class=\"tick-label\"", in: yAxis) >= 3)
            #expect(xAxis.contains(">2 min</text>") && xAxis.contains("simulated time"))
            #expect(Self.count("<line", in: try Self.group("<g class=\"grid\"", in: chart)) >= 7)
            let series = Self.count("<g class=\"series\">", in: chart)
            #expect(series >= 5)
            #expect(Self.count("<text", in: try Self.group("<g class=\"legend\"", in: chart)) == series)
        }
    }

    /// Policies differ in colour and dash, lines are drawn widest first, and
    /// demand is a shaded area: a line lying on another (the oracle on demand)
    /// leaves the one beneath visible.
    @Test func everySeriesStaysVisible() async throws {
        let styles = PolicyKind.allCases.map(SeriesStyle.policy)
        #expect(Set(styles.map(\.color)).count == styles.count)
        #expect(Set(styles.map { $0.dash ?? "solid" }).count == styles.count)
        let widths = (0..<5).map { Double(LineChart.lineWidth(drawn: $0, of: 5)) ?? 0 }
        #expect(widths == widths.sorted(by: >) && Set(widths).count == 5)

        let html = HTMLReport.render(try await Self.demoOutcome())
        let vmChart = try #require(Self.charts(html).first { $0.contains("memory demand vs balloon target") })
        #expect(vmChart.contains("<polygon") && vmChart.contains("fill-opacity=\"0.13\""))
        let drawn = vmChart.components(separatedBy: "stroke-width=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(drawn.contains(widths[0]) && drawn.contains(widths[4]))
    }

    @Test func namesAreEscapedEverywhere() async throws {
        let hostile = ["<script>alert(1)</script>", "a & b \"q\" 'r'", "</svg><h1>x"]
        let escaped = ["&lt;script&gt;alert(1)&lt;/script&gt;", "a &amp; b &quot;q&quot; &#39;r&#39;", "&lt;/svg&gt;&lt;h1&gt;x"]
        let names = (0..<8).map { "\(hostile[$0 % 3]) \($0)" }
        let html = HTMLReport.render(try await Self.demoOutcome(names: names), source: "<trace> & \"dir\"")
        for name in hostile { #expect(!html.contains(name), "\(name) is in the page unescaped") }
        #expect(!html.contains("<script"))
        let charts = Self.charts(html)
        #expect(charts.count == 4 + 2 * 3)
        let vmTitles = charts.compactMap { chart in
            chart.range(of: "<title>VM ").map { chart[$0.upperBound...].prefix { $0 != ":" } }
        }
        #expect(vmTitles.count == 6)
        for title in vmTitles { #expect(escaped.contains { title.hasPrefix($0) }, "\(title)") }
        #expect(html.contains("&lt;trace&gt; &amp; &quot;dir&quot;: 8 VMs"))
    }

    @Test func longVMNamesAreShortenedToFitTheirTitle() async throws {
        let long = String(repeating: "very-long-vm-name-", count: 4)
        let html = HTMLReport.render(try await Self.demoOutcome(names: (0..<8).map { "\(long)\($0)" }))
        let titles = Self.charts(html).compactMap { chart in
            chart.range(of: "<title>VM ").map { chart[$0.upperBound...].prefix { $0 != ":" } }
        }
        #expect(titles.count == 6)
        for title in titles { #expect(title.count == 40 && title.hasSuffix("…"), "\(title)") }
    }

    @Test func sweepIsChartedWithOneLinePerPolicyAndTheLimit() async throws {
        let outcome = try await Self.demoOutcome()
        let sweep = OvercommitSweep.Result(points: [
            .init(overcommit: 1, memoryShortfall: [.ballast: 0, .static: 0.002, .mom: 0, .proxmox: 0, .oracle: 0]),
            .init(overcommit: 1.5, memoryShortfall: [.ballast: 0.001, .static: 0.03, .mom: 0.004, .proxmox: 0.02, .oracle: 0]),
            .init(overcommit: 2, memoryShortfall: [.ballast: 0.015, .mom: 0.05, .oracle: 0.002]),
        ], density: [.ballast: 1.5, .static: 1, .mom: 1.5, .proxmox: 1, .oracle: 2], seconds: 1)
        let html = HTMLReport.render(outcome, sweep: sweep)
        let chart = try #require(Self.charts(html).first { $0.contains("Density sweep") })
        #expect(Self.count("<g class=\"series\">", in: chart) == 5)
        #expect(chart.contains("ballast (density 1.50)") && chart.contains("oracle (density 2.00)"))
        #expect(Self.count("<circle", in: chart) == 5 + 5 + 3)
        #expect(chart.contains("<line class=\"threshold\"") && chart.contains(">1 % limit</text>"))
        #expect(chart.contains(">1.0</text>") && chart.contains(">1.2</text>") && chart.contains(">2.0</text>"))
        #expect(chart.contains("memory overcommit"))
        #expect(html.contains("<td class=\"over\">3.00 %</td>") && html.contains("<td class=\"gone\">-</td>"))
        #expect(!HTMLReport.render(outcome).contains("Density sweep"))
    }

    @Test func longRunsAreReducedToTheirEnvelope() {
        var values = [Double](repeating: 1, count: 100_000)
        values[54_321] = 50
        values[77_777] = -3
        let points = SeriesDecimation.envelope(values, buckets: 267)
        #expect(points.count <= 2 * 267 + 2)
        #expect(points.contains { $0.index == 54_321 && $0.value == 50 })
        #expect(points.contains { $0.index == 77_777 && $0.value == -3 })
        #expect(points.first?.index == 0 && points.last?.index == 99_999)
        #expect(zip(points, points.dropFirst()).allSatisfy { $0.index < $1.index })
        #expect(SeriesDecimation.envelope([1, 2, 3], buckets: 267).map(\.value) == [1, 2, 3])
    }

    @Test func axesHaveNiceTicks() {
        #expect(ChartAxis.niceStep(for: 0.37) == 0.5)
        #expect(ChartAxis.niceStep(for: 2.2) == 2.5)
        #expect(ChartAxis.niceStep(for: 7) == 10)
        let percent = ChartAxis.values(0, 23.5, title: "", suffix: " %")
        #expect(percent.ticks.map(\.label) == ["0 %", "5 %", "10 %", "15 %", "20 %", "25 %"])
        #expect(percent.upper == 25)
        #expect(ChartAxis.values(0, 0.9, title: "").ticks.map(\.label) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(ChartAxis.values(0, 0, title: "").ticks.count >= 2)
        #expect(ChartAxis.values(1, 4.5, title: "", count: 8).ticks.first?.label == "1.0")

        #expect(ChartAxis.time(span: 86_100).ticks.map(\.label) == ["0 h", "3 h", "6 h", "9 h", "12 h", "15 h", "18 h", "21 h"])
        #expect(ChartAxis.time(span: 598).ticks.map(\.label) == ["0 min", "2 min", "4 min", "6 min", "8 min"])
        #expect(ChartAxis.time(span: 5_400).ticks.map(\.label) == ["0:00", "0:15", "0:30", "0:45", "1:00", "1:15", "1:30"])
        #expect(ChartAxis.time(span: 40).ticks.map(\.label) == ["0 s", "5 s", "10 s", "15 s", "20 s", "25 s", "30 s", "35 s", "40 s"])
        #expect(ChartAxis.time(span: 7 * 86_400).ticks.map(\.label) == ["0 d", "1 d", "2 d", "3 d", "4 d", "5 d", "6 d", "7 d"])
    }

    /// The page's size depends on the charts' widths, not on how many ticks were run.
    @Test func sizeDoesNotGrowWithTheRunsLength() async throws {
        let short = HTMLReport.render(try await Self.demoOutcome())
        var long = try await Self.demoOutcome()
        for index in long.policies.indices {
            var series = TickSeries(ticks: 50_000)
            series.memoryUnmet = (0..<50_000).map { Double($0 % 97) }
            series.memoryDemand = [Double](repeating: 100, count: 50_000)
            series.memoryAllocated = (0..<50_000).map { Double(100 + $0 % 13) }
            long.policies[index].series = series
        }
        let longHTML = HTMLReport.render(long)
        #expect(longHTML.utf8.count < 2 * short.utf8.count, "\(longHTML.utf8.count) bytes against \(short.utf8.count)")
    }
}
