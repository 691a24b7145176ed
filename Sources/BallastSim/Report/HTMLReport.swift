import BallastCore
import FoundationEssentials

/// A self-contained HTML page with inline SVG plots of a comparison: memory
/// and CPU shortfall and memory slack over time per policy, and demand vs
/// allocation of a few VMs under each policy. No scripts, no external files.
public enum HTMLReport {
    static let colors: [PolicyKind: String] = [
        .ballast: "#1f77b4", .static: "#7f7f7f", .mom: "#ff7f0e", .proxmox: "#2ca02c", .oracle: "#d62728",
    ]

    public static func render(_ result: ComparisonOutcome) -> String {
        var body = "<h1>Ballast simulation</h1>\n<pre>\(escape(ComparisonTable.render(result)))</pre>\n"
        let hours = result.tick / 3600
        func ratioSeries(_ pick: (TickSeries) -> ([Double], [Double])) -> [(String, String, [Double])] {
            result.policies.compactMap { policy in
                guard let series = policy.series else { return nil }
                let (numerator, denominator) = pick(series)
                let values = zip(numerator, denominator).map { $1 > 0 ? 100 * $0 / $1 : 0 }
                return (policy.policy.rawValue, colors[policy.policy] ?? "#000", values)
            }
        }
        body += chart(title: "Memory shortfall (% of demand)", hoursPerPoint: hours,
                      lines: ratioSeries { ($0.memoryUnmet, $0.memoryDemand) })
        body += chart(title: "CPU shortfall (% of demand)", hoursPerPoint: hours,
                      lines: ratioSeries { ($0.cpuUnmet, $0.cpuDemand) })
        body += chart(title: "Memory slack (% of allocated memory unused)", hoursPerPoint: hours,
                      lines: ratioSeries { ($0.memoryIdle, $0.memoryAllocated) })
        let gib = Double(1 << 30)
        let names = result.policies.first?.traced.map(\.name) ?? []
        for (vmIndex, name) in names.enumerated() {
            var lines: [(String, String, [Double])] = []
            if let first = result.policies.first, vmIndex < first.traced.count {
                lines.append(("demand", "#000000", first.traced[vmIndex].memoryDemand.map { $0 / gib }))
            }
            for policy in result.policies where vmIndex < policy.traced.count {
                lines.append((policy.policy.rawValue, colors[policy.policy] ?? "#000",
                              policy.traced[vmIndex].memoryAllocation.map { $0 / gib }))
            }
            body += chart(title: "VM \(escape(name)): memory demand vs balloon target (GiB)", hoursPerPoint: hours, lines: lines)
            var cpuLines: [(String, String, [Double])] = []
            if let first = result.policies.first, vmIndex < first.traced.count {
                cpuLines.append(("demand", "#000000", first.traced[vmIndex].cpuDemand.map { $0 / 1000 }))
            }
            for policy in result.policies where vmIndex < policy.traced.count {
                cpuLines.append((policy.policy.rawValue, colors[policy.policy] ?? "#000",
                                 policy.traced[vmIndex].cpuAllocation.map { $0 / 1000 }))
            }
            body += chart(title: "VM \(escape(name)): CPU demand vs entitlement (cores)", hoursPerPoint: hours, lines: cpuLines)
        }
        return """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Ballast simulation</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:1000px}pre{background:#f6f6f6;padding:1em;overflow-x:auto}
        svg{background:#fff;border:1px solid #ddd;margin-bottom:1.5em}</style></head>
        <body>
        \(body)
        </body></html>
        """
    }

    /// One line chart, downsampled to at most 600 points per line.
    static func chart(title: String, hoursPerPoint: Double, lines: [(String, String, [Double])]) -> String {
        let width = 960.0, height = 260.0, left = 50.0, right = 130.0, top = 30.0, bottom = 30.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let count = lines.map(\.2.count).max() ?? 0
        guard count > 1 else { return "" }
        let maximum = max(lines.flatMap(\.2).max() ?? 0, 1e-9) * 1.05
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">"
        svg += "<text x=\"\(left)\" y=\"18\" font-size=\"14\">\(escape(title))</text>"
        svg += "<line x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\" stroke=\"#999\"/>"
        svg += "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\" stroke=\"#999\"/>"
        svg += "<text x=\"\(left - 5)\" y=\"\(top + 4)\" font-size=\"10\" text-anchor=\"end\">\(maximum.significantText(digits: 3))</text>"
        svg += "<text x=\"\(left - 5)\" y=\"\(top + plotHeight)\" font-size=\"10\" text-anchor=\"end\">0</text>"
        svg += "<text x=\"\(left + plotWidth)\" y=\"\(height - 8)\" font-size=\"10\" text-anchor=\"end\">"
            + "\((Double(count - 1) * hoursPerPoint).decimalText(places: 1)) h</text>"
        let stride = max(1, count / 600)
        for (position, (label, color, values)) in lines.enumerated() {
            var points: [String] = []
            var index = 0
            while index < values.count {
                let x = left + plotWidth * Double(index) / Double(count - 1)
                let y = top + plotHeight * (1 - values[index] / maximum)
                points.append(x.decimalText(places: 1) + "," + y.decimalText(places: 1))
                index += stride
            }
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.2\" points=\"\(points.joined(separator: " "))\"/>"
            let legendY = top + 14 * Double(position)
            svg += "<rect x=\"\(left + plotWidth + 10)\" y=\"\(legendY)\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            svg += "<text x=\"\(left + plotWidth + 25)\" y=\"\(legendY + 9)\" font-size=\"11\">\(escape(label))</text>"
        }
        return svg + "</svg>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;")
            .replacing(">", with: "&gt;").replacing("\"", with: "&quot;")
    }
}
