import BallastCore

/// The page `ballast simulate --report FILE` writes: one self-contained HTML
/// file (inline CSS and SVG, no script, nothing fetched) that reads offline in
/// any browser. The scores as a table, then charts over simulated time summed
/// over every VM (so the page stays the same size at 1,600 VMs as at 8), the
/// density sweep when one was run, and demand against allocation for the
/// first few VMs of the first host.
public enum HTMLReport {
    /// `source` names what was simulated (a trace directory, a scenario); `sweep`
    /// adds the density chart and grid, with `sweepLimit` the memory shortfall
    /// a policy may not exceed (`OvercommitSweep.run`'s limit).
    public static func render(_ result: ComparisonOutcome, sweep: OvercommitSweep.Result? = nil,
                              sweepLimit: Double = 0.01, source: String? = nil) -> String {
        var body = "<header><h1>Ballast simulation report</h1><p class=\"meta\">\(MarkupText.escaped(summaryLine(result, source: source)))</p></header>\n"
        body += "<section><h2>Scores</h2>\n" + ReportTables.scores(result)
        body += "<p class=\"note\">Over all ticks, VMs and hosts. Shortfall: unmet demand / demand. Slack: allocated but unused. "
            + "Fairness: 1 when every VM got at least its fair share under contention. Best attainable value in bold; "
            + "the oracle knows the true demand and is a bound, not a policy. Hover a header for its definition.</p></section>\n"
        body += section("Over time, all VMs", charts: ReportCharts.aggregate(result))
        if let sweep {
            let policies = result.policies.map(\.policy)
            body += "<section><h2>Density sweep</h2>\n<div class=\"charts\">"
            if let chart = ReportCharts.sweep(sweep, policies: policies, limit: sweepLimit) {
                body += "<figure>\(chart.svg())</figure>\n"
            }
            body += "<div class=\"sweep-table\">" + ReportTables.sweep(sweep, policies: policies, limit: sweepLimit)
                + "<p class=\"note\">Memory shortfall at each overcommit; a policy leaves the sweep at its first point above "
                + "\(MarkupText.escaped((100 * sweepLimit).significantText(digits: 1))) %. Density: the highest passing overcommit.</p></div>"
            body += "</div></section>\n"
        }
        body += section("Sample VMs of the first host", charts: ReportCharts.tracedVMs(result))
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Ballast simulation report</title>
        <style>\(style)</style></head>
        <body>
        \(body)</body></html>

        """
    }

    /// "google-2011-gcd: 1600 VMs on 24 hosts, 8611 ticks of 10 s (23.9 h), ..."
    static func summaryLine(_ result: ComparisonOutcome, source: String?) -> String {
        let hours = Double(max(result.ticks - 1, 0)) * result.tick / 3600
        return (source.map { "\($0): " } ?? "")
            + "\(result.vms) VMs on \(result.hosts) host(s), \(result.ticks) ticks of \(result.tick.significantText(digits: 2)) s "
            + "(\(hours.decimalText(places: 1)) h simulated), memory overcommit \(result.overcommit.decimalText(places: 2)), "
            + "CPU model \(result.cpuModel.rawValue), simulated in \(result.seconds.decimalText(places: 1)) s"
    }

    private static func section(_ title: String, charts: [LineChart]) -> String {
        guard !charts.isEmpty else { return "" }
        return "<section><h2>\(MarkupText.escaped(title))</h2>\n<div class=\"charts\">\n"
            + charts.map { "<figure>\($0.svg())</figure>\n" }.joined() + "</div></section>\n"
    }

    private static let style = """
    body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0 auto;padding:1.2em 1.5em;\
    max-width:1240px;color:#222;background:#fafafa;line-height:1.4}
    h1{font-size:1.6em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd;padding-bottom:.2em}
    .meta{color:#555;margin:0}.note{color:#666;font-size:.85em;margin:.5em 0}
    .table-box{overflow-x:auto;background:#fff;border:1px solid #ddd;border-radius:4px}
    table{border-collapse:collapse;width:100%;font-size:13px;font-variant-numeric:tabular-nums}
    th,td{padding:5px 7px;text-align:right;white-space:nowrap}
    thead th{background:#f0f2f5;font-weight:600;color:#333;border-bottom:1px solid #ccd;white-space:normal;vertical-align:bottom}
    thead th.group{text-align:center;border-left:1px solid #dde}
    th.name{text-align:left}tbody tr:nth-child(even){background:#f8f9fb}tbody tr:hover{background:#eef4fb}
    td.best{font-weight:700;color:#0b4f8a}tr.bound{color:#777;font-style:italic}.note{font-style:normal}
    td.over{color:#b00000}td.gone{color:#bbb}tfoot td,tfoot th{font-weight:700;border-top:1px solid #ccd}
    .charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));gap:14px}
    figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:4px;padding:4px}
    svg.chart{display:block;width:100%;height:auto}
    .sweep-table table{width:auto;min-width:60%}
    """
}
