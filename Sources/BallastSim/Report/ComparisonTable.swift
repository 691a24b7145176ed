import BallastCore
import FoundationEssentials

/// The plain-text comparison table `ballast simulate` prints by default.
public enum ComparisonTable {
    public static func render(_ result: ComparisonOutcome) -> String {
        var lines: [String] = []
        lines.append("\(result.vms) VMs on \(result.hosts) host(s), \(result.ticks) ticks of \(format(result.tick, 0)) s, "
                     + "overcommit \(format(result.overcommit, 2)), CPU model \(result.cpuModel.rawValue), "
                     + "simulated in \(format(result.seconds, 1)) s")
        let header = ["policy", "cpu short", "mem short", "mem slack", "cpu slack", "fairness", "fair mem", "fair cpu", "chg/VM-h", "mem chg",
                      "GiB balloon", "mem react p50/p99", "mem never", "cpu react p50/p99", "cpu never"]
        var rows: [[String]] = [header]
        for policy in result.policies {
            let card = policy.card
            rows.append([
                policy.policy.rawValue, percent(card.cpuShortfall), percent(card.memoryShortfall), percent(card.slack),
                percent(card.cpuSlack), format(card.fairness, 3), format(card.memoryFairness, 3),
                format(card.cpuFairness, 3), format(card.changesPerVMHour, 1), format(card.memoryChangesPerVMHour, 1),
                format(card.bytesBallooned / Double(1 << 30), 0),
                reaction(card.memoryReaction), "\(card.memoryReaction.neverCovered)/\(card.memoryReaction.steps)",
                reaction(card.cpuReaction), "\(card.cpuReaction.neverCovered)/\(card.cpuReaction.steps)",
            ])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { column, text in
                text.padded(toWidth: widths[column], alignRight: column > 0)
            }
            lines.append(cells.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    public static func render(_ sweep: OvercommitSweep.Result, policies: [PolicyKind]) -> String {
        var lines = ["memory shortfall by overcommit (a policy leaves the sweep above 1 %):"]
        lines.append("overcommit  " + policies.map { $0.rawValue.padded(toWidth: 9) }
            .joined(separator: " "))
        for point in sweep.points {
            let cells = policies.map { policy in
                (point.memoryShortfall[policy].map { percent($0) } ?? "-")
                    .padded(toWidth: 9)
            }
            lines.append(format(point.overcommit, 2).padded(toWidth: 12)
                         + cells.joined(separator: " "))
        }
        lines.append("density (highest overcommit with memory shortfall <= 1 %): "
                     + policies.map { "\($0.rawValue) \(format(sweep.density[$0] ?? 0, 2))" }.joined(separator: ", "))
        lines.append("sweep simulated in \(format(sweep.seconds, 1)) s")
        return lines.joined(separator: "\n")
    }

    /// Proxmox under each setting of the sensitivity grid, the best row marked.
    public static func render(_ rows: [ProxmoxSensitivity.Row]) -> String {
        let best = ProxmoxSensitivity.best(rows)?.settings
        var lines = ["proxmox sensitivity (balloon minimum per VM, host target):"]
        let header = ["setting", "cpu short", "mem short", "mem slack", "fair mem", "chg/VM-h", "GiB balloon", ""]
        var table: [[String]] = [header]
        for row in rows {
            table.append([row.settings.label, percent(row.card.cpuShortfall), percent(row.card.memoryShortfall),
                          percent(row.card.slack), format(row.card.memoryFairness, 3),
                          format(row.card.changesPerVMHour, 1), format(row.card.bytesBallooned / Double(1 << 30), 0),
                          row.settings == best ? "best" : ""])
        }
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            lines.append(row.enumerated().map { column, text in
                text.padded(toWidth: widths[column], alignRight: column > 0 && column < header.count - 1)
            }.joined(separator: "  "))
        }
        return lines.joined(separator: "\n")
    }

    /// Density minimum and median over the seeds, and each seed's.
    public static func render(_ seeds: SeedDensity, policies: [PolicyKind]) -> String {
        var lines = ["density over \(seeds.runs.count) seeds (" + seeds.runs.map { "\($0.seed)" }.joined(separator: ", ") + "):"]
        for policy in policies {
            lines.append(policy.rawValue.padded(toWidth: 9) + " min " + format(seeds.minimum(policy), 2)
                         + "  median " + format(seeds.median(policy), 2) + "  per seed "
                         + seeds.values(policy).map { format($0, 2) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// `p50/p99` ticks, or `-` when no step of that resource was detected.
    static func reaction(_ score: ReactionScore) -> String {
        score.ticks.isEmpty ? "-" : format(score.p50, 0) + "/" + format(score.p99, 0)
    }

    static func percent(_ value: Double) -> String { format(value * 100, 2) + "%" }

    static func format(_ value: Double, _ decimals: Int) -> String {
        value.decimalText(places: decimals)
    }
}
