import BallastCore

/// The charts of the report, built from a comparison's per-tick sums (summed
/// over every VM and host, so a run of 1,600 VMs draws as many lines as a run
/// of 8), the few traced VMs, and the density sweep.
enum ReportCharts {
    /// Runs of ticks per chart: each keeps its lowest and highest value (two
    /// points per two pixels of plot width), so a chart's size does not grow
    /// with the run's length.
    static var buckets: Int { Int(LineChart.plotWidth / 2) }

    /// One named line of per-tick values.
    struct TickLine {
        var label: String
        var style: SeriesStyle
        var values: [Double]
    }

    /// A chart over simulated time of per-tick `lines`, value axis from 0.
    static func overTime(title: String, tickSeconds: Double, unit: String = "", lines: [TickLine]) -> LineChart? {
        let count = lines.map(\.values.count).max() ?? 0
        guard count > 1 else { return nil }
        let highest = lines.flatMap(\.values).filter(\.isFinite).max() ?? 0
        let series = lines.map { line in
            LineChart.Series(label: line.label, style: line.style,
                             points: SeriesDecimation.envelope(line.values, buckets: buckets)
                                 .map { (x: Double($0.index) * tickSeconds, y: $0.value) })
        }
        return LineChart(title: title, xAxis: .time(span: Double(count - 1) * tickSeconds),
                         yAxis: .values(0, max(highest, 0) * 1.02, title: "", suffix: unit), series: series)
    }

    /// Memory and CPU shortfall, memory slack and total memory demand against
    /// allocation, per tick, every policy.
    static func aggregate(_ result: ComparisonOutcome) -> [LineChart] {
        func percentages(_ pick: (TickSeries) -> ([Double], [Double])) -> [TickLine] {
            result.policies.compactMap { policy in
                guard let series = policy.series else { return nil }
                let (part, whole) = pick(series)
                return TickLine(label: policy.policy.rawValue, style: .policy(policy.policy),
                                values: zip(part, whole).map { $1 > 0 ? 100 * $0 / $1 : 0 })
            }
        }
        let gib = Double(1 << 30)
        var committed: [TickLine] = []
        if let demand = result.policies.first(where: { $0.series != nil })?.series?.memoryDemand {
            committed.append(TickLine(label: "demand", style: .demand, values: demand.map { $0 / gib }))
        }
        for policy in result.policies {
            guard let series = policy.series else { continue }
            committed.append(TickLine(label: policy.policy.rawValue, style: .policy(policy.policy),
                                      values: series.memoryAllocated.map { $0 / gib }))
        }
        return [
            overTime(title: "Memory shortfall (% of memory demand)", tickSeconds: result.tick, unit: " %",
                     lines: percentages { ($0.memoryUnmet, $0.memoryDemand) }),
            overTime(title: "CPU shortfall (% of CPU demand)", tickSeconds: result.tick, unit: " %",
                     lines: percentages { ($0.cpuUnmet, $0.cpuDemand) }),
            overTime(title: "Memory slack (% of allocated memory unused)", tickSeconds: result.tick, unit: " %",
                     lines: percentages { ($0.memoryIdle, $0.memoryAllocated) }),
            overTime(title: "All VMs: memory demand vs balloon targets (GiB)", tickSeconds: result.tick, lines: committed),
        ].compactMap { $0 }
    }

    /// Demand against what each policy gave, memory and CPU, for each traced VM.
    static func tracedVMs(_ result: ComparisonOutcome) -> [LineChart] {
        let gib = Double(1 << 30)
        let names = result.policies.first?.traced.map(\.name) ?? []
        var charts: [LineChart] = []
        for (index, fullName) in names.enumerated() {
            // A title wider than the chart would be cut off mid-word by the SVG's edge.
            let name = fullName.count > 40 ? fullName.prefix(39) + "…" : fullName
            func lines(demand: (VMSeries) -> [Double], allocation: (VMSeries) -> [Double]) -> [TickLine] {
                guard let first = result.policies.first, index < first.traced.count else { return [] }
                return [TickLine(label: "demand", style: .demand, values: demand(first.traced[index]))]
                    + result.policies.filter { index < $0.traced.count }.map {
                        TickLine(label: $0.policy.rawValue, style: .policy($0.policy), values: allocation($0.traced[index]))
                    }
            }
            let memory = overTime(title: "VM \(name): memory demand vs balloon target (GiB)", tickSeconds: result.tick,
                                  lines: lines(demand: { $0.memoryDemand.map { $0 / gib } },
                                               allocation: { $0.memoryAllocation.map { $0 / gib } }))
            let cpu = overTime(title: "VM \(name): CPU demand vs CPU run (cores)", tickSeconds: result.tick,
                               lines: lines(demand: { $0.cpuDemand.map { $0 / 1000 } },
                                            allocation: { $0.cpuRun.map { $0 / 1000 } }))
            charts += [memory, cpu].compactMap { $0 }
        }
        return charts
    }

    /// Memory shortfall against overcommit, one line per policy up to the point
    /// where it left the sweep, with the limit marked.
    static func sweep(_ sweep: OvercommitSweep.Result, policies: [PolicyKind], limit: Double) -> LineChart? {
        guard let first = sweep.points.first?.overcommit, let last = sweep.points.last?.overcommit else { return nil }
        let series = policies.map { policy in
            let points = sweep.points.compactMap { point in
                point.memoryShortfall[policy].map { (x: point.overcommit, y: 100 * $0) }
            }
            let density = (sweep.density[policy] ?? 0).decimalText(places: 2)
            return LineChart.Series(label: "\(policy.rawValue) (density \(density))", style: .policy(policy),
                                    points: points, markers: true)
        }
        let highest = series.flatMap(\.points).map(\.y).filter(\.isFinite).max() ?? 0
        let padding = first == last ? 0.25 : 0
        return LineChart(title: "Density sweep: memory shortfall (%) by overcommit",
                         xAxis: .values(first - padding, last + padding, title: "memory overcommit (configured / physical)", count: 8),
                         yAxis: .values(0, max(highest, 100 * limit * 1.5) * 1.02, title: "", suffix: " %"),
                         series: series,
                         thresholds: [LineChart.Threshold(value: 100 * limit, label: "\((100 * limit).significantText(digits: 1)) % limit")])
    }
}
