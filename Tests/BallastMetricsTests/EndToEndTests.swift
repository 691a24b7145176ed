import BallastClient
import BallastMetrics
import Foundation
import Testing

/// The real daemon on the simulated host: its endpoint passes promtool and the
/// Python parser, its series match its state, and `ballast status` / `explain`
/// work against it.
@Suite("End to end: ballast run --backend sim", .serialized)
struct EndToEndTests {
    @Test func daemonEndpointStatusAndExplain() async throws {
        let daemon = try await DaemonProcess(arguments: ["--backend", "sim", "--scenario", "demo", "--speed", "10",
                                                         "--no-table"])
        var stopped = false
        defer { if !stopped { _ = daemon.stop() } }
        let state = try await daemon.waitForTicks(3)
        #expect(!state.vms.isEmpty)

        // The simulated host announces itself everywhere an operator looks.
        let health = try await HTTPClient.request(url: daemon.baseURL + "/healthz", timeout: .seconds(30))
        #expect(health.status == 200)
        #expect(health.bodyText == "ok (SIMULATED HOST: no real VM is touched)\n")
        #expect(state.backend?.simulated == true && state.backend?.uri == "scenario:demo")
        let firstLine = daemon.fullLog().split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.contains("SIMULATED HOST: no real VM is touched"), "first log line: \(firstLine)")

        let metrics = try await HTTPClient.request(url: daemon.baseURL + "/metrics", timeout: .seconds(30))
        #expect(metrics.status == 200)
        #expect(metrics.headers["content-type"] == PrometheusRenderer.contentType)
        #expect(try PromTools.promtoolProblems(metrics.body) == nil)
        let samples = try PromTools.pythonParse(metrics.body)
        for vm in state.vms {
            let balloon = samples.first { $0.name == "ballast_vm_balloon_bytes" && $0.labels["uuid"] == vm.uuid }
            #expect(balloon?.labels["domain"] == vm.name, "VM \(vm.name) has no balloon series")
        }
        #expect((samples.first { $0.name == "ballast_ticks_total" }?.value ?? 0) >= 3)
        let info = samples.first { $0.name == "ballast_backend_info" }
        #expect(info?.labels == ["backend": "sim", "uri": "scenario:demo"] && info?.value == 1)
        #expect(samples.contains { $0.name == "ballast_host_cpu_capacity_cores" && $0.value > 0 })

        let status = try daemon.command(["status", "--url", daemon.baseURL])
        #expect(status.status == 0, "ballast status failed: \(status.stderr)")
        #expect(status.stdout.hasPrefix("SIMULATED HOST: no real VM is touched (scenario:demo)\n"), "\(status.stdout)")
        for vm in state.vms {
            #expect(status.stdout.contains(vm.name))
        }

        let target = try #require(state.vms.first { $0.balanced })
        let explain = try daemon.command(["explain", target.name, "--url", daemon.baseURL])
        #expect(explain.status == 0, "ballast explain failed: \(explain.stderr)")
        #expect(explain.stdout.contains("VM \(target.name)"))
        #expect(explain.stdout.contains("Estimate: it needs"))
        #expect(explain.stdout.contains("Governor"))

        let unknown = try daemon.command(["explain", "no-such-vm", "--url", daemon.baseURL])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no VM named"))

        stopped = true
        #expect(daemon.stop() == 0, "SIGTERM stops the daemon cleanly")
    }
}
