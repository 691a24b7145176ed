import Foundation

/// What the report looks like inside the browser after load: the test copies
/// the report, adds this script at the end of its body (the report itself has
/// no script), lets Chromium run it with `--dump-dom`, and reads back the JSON
/// the script left in the DOM. Layout numbers come from the browser itself:
/// whether the page scrolls sideways, where each chart is drawn and how big,
/// and how long parsing and laying out the whole page took.
struct ReportProbe: Decodable {
    struct Box: Decodable {
        var top: Double
        var left: Double
        var width: Double
        var height: Double
    }

    struct Chart: Decodable {
        var title: String
        var top: Double
        var left: Double
        var width: Double
        var height: Double
        /// The plot area (inside the axes), page coordinates.
        var plot: Box
        var xTicks: Int
        var yTicks: Int
        var gridLines: Int
        var series: Int
        var legendItems: Int
    }

    /// Milliseconds from navigation start until the page was parsed and laid out.
    var layoutMilliseconds: Double
    var scrollWidth: Double
    var clientWidth: Double
    var scrollHeight: Double
    /// Scripts in the page besides the probe (the report has none; a VM name that
    /// escaped its quoting would add one).
    var otherScripts: Int
    var scoreRows: Int
    var scoreColumns: Int
    var charts: [Chart]

    static let script = """
    <script id="probe">(function () {
      var root = document.documentElement;
      var charts = Array.prototype.map.call(document.querySelectorAll("svg.chart"), function (svg) {
        var box = svg.getBoundingClientRect();
        var title = svg.querySelector(".chart-title");
        var frame = svg.querySelector(".plot-frame");
        var plot = frame ? frame.getBoundingClientRect() : {top: 0, left: 0, width: 0, height: 0};
        return {title: title ? title.textContent : "", top: box.top + window.scrollY, left: box.left,
          width: box.width, height: box.height,
          plot: {top: plot.top + window.scrollY, left: plot.left, width: plot.width, height: plot.height},
          xTicks: svg.querySelectorAll(".x-axis .tick-label").length,
          yTicks: svg.querySelectorAll(".y-axis .tick-label").length,
          gridLines: svg.querySelectorAll(".grid line").length,
          series: svg.querySelectorAll(".series").length,
          legendItems: svg.querySelectorAll(".legend text").length};
      });
      var header = document.querySelectorAll("table.scores thead tr:last-child th").length;
      var result = {layoutMilliseconds: 0, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth,
        scrollHeight: root.scrollHeight, otherScripts: document.scripts.length - 1,
        scoreRows: document.querySelectorAll("table.scores tbody tr").length, scoreColumns: header, charts: charts};
      result.layoutMilliseconds = performance.now();
      var out = document.createElement("pre");
      out.id = "probe-result";
      out.textContent = JSON.stringify(result);
      document.body.appendChild(out);
    })();</script>
    """

    /// Copies `report` with the probe added, loads it in `browser` at `width` px
    /// and decodes what the probe found.
    static func measure(_ report: String, in browser: HeadlessChromium, width: Int) throws -> (ReportProbe, HeadlessChromium.Run) {
        let html = try String(contentsOfFile: report, encoding: .utf8)
        guard let end = html.range(of: "</body>", options: .backwards) else {
            throw ProbeError(description: "\(report) has no </body>")
        }
        let probed = report + ".probe.html"
        try (html[..<end.lowerBound] + script + html[end.lowerBound...]).write(toFile: probed, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: probed) }
        let run = try browser.dumpDOM(of: probed, width: width, height: 900)
        guard let open = run.stdout.range(of: "<pre id=\"probe-result\">"),
              let close = run.stdout.range(of: "</pre>", range: open.upperBound..<run.stdout.endIndex) else {
            throw ProbeError(description: "the probe left no result (chromium exit \(run.status)); stderr: \(run.stderr.suffix(2000))")
        }
        let text = run.stdout[open.upperBound..<close.lowerBound]
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&nbsp;", with: "\u{A0}").replacingOccurrences(of: "&amp;", with: "&")
        return (try JSONDecoder().decode(ReportProbe.self, from: Data(text.utf8)), run)
    }

    struct ProbeError: Error, CustomStringConvertible {
        let description: String
    }
}
