import BallastCore

/// The report's HTML tables: the scores of each policy (the same numbers as
/// `ComparisonTable`, one row per policy) and the density sweep's grid.
enum ReportTables {
    /// One column of the score table: its group, header, tooltip, how a card
    /// prints in it, and which value is best (for highlighting), if any.
    private struct Column: Sendable {
        var group: String
        var header: String
        var help: String
        var cell: @Sendable (Scorecard) -> String
        var rank: (@Sendable (Scorecard) -> Double)? = nil
    }

    private static let columns: [Column] = [
        Column(group: "Shortfall", header: "CPU", help: "unmet CPU demand / CPU demand",
               cell: { percent($0.cpuShortfall) }, rank: { $0.cpuShortfall }),
        Column(group: "Shortfall", header: "memory", help: "unmet memory demand / memory demand",
               cell: { percent($0.memoryShortfall) }, rank: { $0.memoryShortfall }),
        Column(group: "Slack", header: "memory", help: "allocated memory unused / allocated memory",
               cell: { percent($0.slack) }, rank: { $0.slack }),
        Column(group: "Slack", header: "CPU", help: "CPU entitlement unused / entitlement",
               cell: { percent($0.cpuSlack) }, rank: { $0.cpuSlack }),
        Column(group: "Fairness", header: "all", help: "Jain's index of min(1, received / fair share), mean over contended ticks",
               cell: { $0.fairness.decimalText(places: 3) }, rank: { -$0.fairness }),
        Column(group: "Fairness", header: "memory", help: "fairness over memory-contended ticks",
               cell: { $0.memoryFairness.decimalText(places: 3) }, rank: { -$0.memoryFairness }),
        Column(group: "Fairness", header: "CPU", help: "fairness over CPU-contended ticks",
               cell: { $0.cpuFairness.decimalText(places: 3) }, rank: { -$0.cpuFairness }),
        Column(group: "Churn", header: "changes per VM-h", help: "knob changes applied per VM-hour",
               cell: { $0.changesPerVMHour.decimalText(places: 1) }),
        Column(group: "Churn", header: "memory per VM-h", help: "balloon changes per VM-hour",
               cell: { $0.memoryChangesPerVMHour.decimalText(places: 1) }),
        Column(group: "Churn", header: "GiB moved", help: "sum of |balloon target change|, GiB",
               cell: { ($0.bytesBallooned / Double(1 << 30)).decimalText(places: 0) }),
        Column(group: "Reaction (ticks)", header: "memory p50 / p99", help: "ticks until a memory step is covered: median / 99th percentile",
               cell: { ComparisonTable.reaction($0.memoryReaction) }),
        Column(group: "Reaction (ticks)", header: "memory never", help: "memory steps not covered within 360 ticks or by the end / memory steps",
               cell: { "\($0.memoryReaction.neverCovered)/\($0.memoryReaction.steps)" }),
        Column(group: "Reaction (ticks)", header: "CPU p50 / p99", help: "ticks until a CPU step is covered (quota model): median / 99th percentile",
               cell: { ComparisonTable.reaction($0.cpuReaction) }),
        Column(group: "Reaction (ticks)", header: "CPU never", help: "CPU steps not covered within 360 ticks or by the end / CPU steps",
               cell: { "\($0.cpuReaction.neverCovered)/\($0.cpuReaction.steps)" }),
    ]

    /// One row per policy; the best attainable value of each score column (the
    /// oracle excluded) is bold, unless every policy has it.
    static func scores(_ result: ComparisonOutcome) -> String {
        var html = "<div class=\"table-box\"><table class=\"scores\"><thead><tr><th rowspan=\"2\" class=\"name\">policy</th>"
        var groups: [(name: String, span: Int)] = []
        for column in columns {
            if groups.last?.name == column.group { groups[groups.count - 1].span += 1 } else { groups.append((column.group, 1)) }
        }
        for group in groups { html += "<th colspan=\"\(group.span)\" class=\"group\">\(MarkupText.escaped(group.name))</th>" }
        html += "</tr><tr>"
        for column in columns {
            html += "<th title=\"\(MarkupText.escaped(column.help))\">\(MarkupText.escaped(column.header))</th>"
        }
        html += "</tr></thead><tbody>"
        let attainable = result.policies.filter { $0.policy != .oracle }.map(\.card)
        for policy in result.policies {
            let isOracle = policy.policy == .oracle
            html += "<tr\(isOracle ? " class=\"bound\"" : "")><th class=\"name\" scope=\"row\">"
                + MarkupText.escaped(policy.policy.rawValue)
                + (isOracle ? " <span class=\"note\">(bound)</span>" : "") + "</th>"
            for column in columns {
                var best = false
                if let rank = column.rank, !isOracle, let top = attainable.map(rank).min(),
                   let bottom = attainable.map(rank).max(), bottom - top > 1e-12 {
                    best = rank(policy.card) <= top + 1e-12
                }
                html += "<td\(best ? " class=\"best\"" : "")>\(MarkupText.escaped(column.cell(policy.card)))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// Memory shortfall per overcommit point and policy ("-" once a policy has
    /// left the sweep), the points above the limit marked, and each density.
    static func sweep(_ sweep: OvercommitSweep.Result, policies: [PolicyKind], limit: Double) -> String {
        var html = "<div class=\"table-box\"><table class=\"sweep\"><thead><tr><th class=\"name\">overcommit</th>"
        for policy in policies { html += "<th>\(MarkupText.escaped(policy.rawValue))</th>" }
        html += "</tr></thead><tbody>"
        for point in sweep.points {
            html += "<tr><th class=\"name\" scope=\"row\">\(point.overcommit.decimalText(places: 2))</th>"
            for policy in policies {
                if let shortfall = point.memoryShortfall[policy] {
                    html += "<td\(shortfall > limit ? " class=\"over\"" : "")>\(percent(shortfall))</td>"
                } else {
                    html += "<td class=\"gone\">-</td>"
                }
            }
            html += "</tr>"
        }
        html += "</tbody><tfoot><tr><th class=\"name\" scope=\"row\">density</th>"
        for policy in policies { html += "<td>\((sweep.density[policy] ?? 0).decimalText(places: 2))</td>" }
        return html + "</tr></tfoot></table></div>"
    }

    static func percent(_ value: Double) -> String { (value * 100).decimalText(places: 2) + " %" }
}
