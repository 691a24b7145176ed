import Foundation
import Testing

/// contrib/grafana/ballast.json against the real thing: `ballast run` on the
/// simulated demo host with three plugins (one answering, one failing until it
/// is quarantined, one crashing and restarted), scraped by a real Prometheus
/// that also loads contrib/prometheus/ballast.rules.yml. Every query of every
/// panel and variable must return data, and every recording rule must record.
@Suite("Grafana dashboard against a real Prometheus", .serialized)
struct GrafanaDashboardTests {
    static let dashboardPath = RepositoryFiles.path("contrib/grafana/ballast.json")

    @Test func dashboardIsImportableAndPointsAtItsDatasourceVariable() throws {
        let dashboard = try GrafanaDashboard(path: Self.dashboardPath)
        let variables = (dashboard.json["templating"] as? [String: Any])?["list"] as? [[String: Any]] ?? []
        #expect(variables.contains {
            $0["name"] as? String == "DS_PROMETHEUS" && $0["type"] as? String == "datasource"
        })
        #expect(variables.contains { $0["name"] as? String == "domain" })
        #expect(dashboard.json["uid"] as? String == "ballast-fleet")
        let panels = GrafanaDashboard.panels(in: dashboard.json["panels"] as? [[String: Any]] ?? [])
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "every panel needs a unique id")
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "untitled"
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == "${DS_PROMETHEUS}",
                    "panel \"\(title)\" must use the DS_PROMETHEUS variable")
            #expect(!(panel["targets"] as? [[String: Any]] ?? []).isEmpty, "panel \"\(title)\" has no query")
            #expect(panel["gridPos"] != nil, "panel \"\(title)\" has no gridPos")
        }
        #expect(dashboard.queries.count >= 30)
    }

    @Test func everyQueryReturnsDataFromARealDaemon() async throws {
        let dashboard = try GrafanaDashboard(path: Self.dashboardPath)
        let rules = try RuleFile(path: PrometheusRulesTests.rules)
        let config = try Self.writeConfig()
        defer { try? FileManager.default.removeItem(atPath: config) }
        let daemon = try await DaemonProcess(arguments: ["--config", config, "--backend", "sim", "--scenario", "demo",
                                                         "--speed", "10", "--no-table"])
        defer { _ = daemon.stop() }
        let prometheus = try await PrometheusServer(scraping: "127.0.0.1:\(daemon.port)",
                                                    ruleFiles: [PrometheusRulesTests.rules])
        defer { prometheus.stop() }
        // Enough for a few scrapes, two points in every rate() window and the plugin's quarantine.
        let deadline = ContinuousClock.now + .seconds(40)

        var report: [String] = []
        for variable in dashboard.variableQueries {
            let series = try await Self.firstData(variable.selector, from: prometheus, until: deadline)
            let labelled = series.filter { ($0["metric"] as? [String: String])?[variable.label] != nil }
            #expect(!labelled.isEmpty,
                    "variable \(variable.variable): \(variable.selector) has no \(variable.label) label")
            report.append("\(labelled.count)\tvariable \(variable.variable)\t\(variable.selector)")
        }
        for query in dashboard.queries {
            let series: [[String: Any]]
            do {
                series = try await Self.firstData(query.expression, from: prometheus, until: deadline)
            } catch {
                Issue.record("panel \"\(query.panel)\" query \(query.refID) failed: \(error)")
                continue
            }
            #expect(!series.isEmpty,
                    "panel \"\(query.panel)\" query \(query.refID) returned no data: \(query.expression)")
            report.append("\(series.count)\t\(query.panel) \(query.refID)\t\(query.expression)")
        }
        for record in rules.records {
            let series = try await Self.firstData(record, from: prometheus, until: deadline)
            #expect(!series.isEmpty, "recording rule \(record) recorded nothing")
            report.append("\(series.count)\trecording rule\t\(record)")
        }
        let alert = #"ALERTS{alertname="BallastPluginQuarantined", plugin="erroring"}"#
        let quarantined = try await Self.firstData(alert, from: prometheus, until: deadline)
        #expect(!quarantined.isEmpty, "the quarantined plugin did not raise BallastPluginQuarantined (pending)")
        report.append("\(quarantined.count)\talert\t\(alert)")
        print("series\twhat\tquery\n" + report.joined(separator: "\n"))
    }

    /// Runs `promQL` until it returns series or `deadline` passes (then returns none).
    /// A query Prometheus refuses throws at once: retrying cannot fix it.
    private static func firstData(_ promQL: String, from prometheus: PrometheusServer,
                                  until deadline: ContinuousClock.Instant) async throws -> [[String: Any]] {
        while true {
            let series = try await prometheus.instantQuery(promQL)
            if !series.isEmpty || ContinuousClock.now >= deadline { return series }
            try await Task.sleep(for: .milliseconds(250))
        }
    }

    /// A config with three plugins from plugins/testing/misbehave.py.
    private static func writeConfig() throws -> String {
        let script = RepositoryFiles.path("plugins/testing/misbehave.py")
        func plugin(_ name: String, _ arguments: [String]) -> String {
            let command = ([RepositoryFiles.python, script] + arguments).map { "\"\($0)\"" }.joined(separator: ", ")
            return "[[plugin]]\nname = \"\(name)\"\ncommand = [\(command)]\n"
        }
        let text = "interval = \"2s\"\n\n" + plugin("steady", ["good"]) + plugin("erroring", ["error"])
            + plugin("crashing", ["crash-after", "1"])
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("ballast-fleet-\(UUID().uuidString).toml").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
