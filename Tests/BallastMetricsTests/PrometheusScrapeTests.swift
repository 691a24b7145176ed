import BallastCore
import BallastMetrics
import BallastTestFixtures
import Foundation
import Testing

/// A real Prometheus server scrapes the endpoint fed by synthetic ticks; its
/// query API must return Ballast's series with the right labels and values.
@Suite("Prometheus scrapes the endpoint", .serialized)
struct PrometheusScrapeTests {
    @Test func prometheusQueriesReturnBallastSeries() async throws {
        let state = ObservabilityState(interval: 1)
        let server = MetricsServer(host: "127.0.0.1", port: 0, state: state)
        let port = try await server.start()
        let ticker = Task {
            var tick: UInt64 = 1
            while !Task.isCancelled {
                await state.record(report: Fixtures.report(tick: tick, count: 5, names: Fixtures.awkwardNames),
                                   tickSeconds: 0.002, late: false)
                tick += 1
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        let prometheus = try await PrometheusServer(scraping: "127.0.0.1:\(port)")
        defer {
            ticker.cancel()
            prometheus.stop()
            Task { await server.stop() }
        }

        let balloons = try await prometheus.query("ballast_vm_balloon_bytes", minimum: 5)
        var byDomain: [String: (uuid: String, value: String)] = [:]
        for series in balloons {
            let metric = series["metric"] as? [String: String] ?? [:]
            let value = (series["value"] as? [Any])?.last as? String ?? ""
            byDomain[metric["domain"] ?? ""] = (metric["uuid"] ?? "", value)
        }
        for (index, name) in Fixtures.awkwardNames.enumerated() {
            #expect(byDomain[name]?.uuid == Fixtures.uuid(index), "domain \(name) not as sent")
            #expect(byDomain[name]?.value == String(UInt64.gibibytes(2)))
        }
        let demand = try await prometheus.query("ballast_vm_cpu_demand_cores{domain=\"vm-4\"}", minimum: 1)
        #expect((demand.first?["value"] as? [Any])?.last as? String == "1.254")
        let build = try await prometheus.query("ballast_build_info", minimum: 1)
        #expect((build.first?["metric"] as? [String: String])?["version"] == BallastBuild.version)
        let up = try await prometheus.query("up{job=\"ballast\"} == 1", minimum: 1)
        #expect(up.count == 1)
    }
}
