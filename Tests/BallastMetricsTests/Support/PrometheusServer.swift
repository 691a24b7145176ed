import BallastClient
import BallastMetrics
import Foundation

/// A real Prometheus server (the Debian `prometheus` binary) in a temporary
/// folder on a free loopback port, scraping one target every second and
/// evaluating the given rule files every second.
final class PrometheusServer {
    let port: Int
    private let process: Process
    private let folder: URL

    init(scraping target: String, ruleFiles: [String] = []) async throws {
        port = try LoopbackPort.free()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ballast-prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let rules = ruleFiles.isEmpty ? "" : "rule_files:\n" + ruleFiles.map { "  - '\($0)'\n" }.joined()
        let config = """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        \(rules)scrape_configs:
          - job_name: ballast
            static_configs:
              - targets: ['\(target)']
        """
        let configURL = folder.appendingPathComponent("prometheus.yml")
        try Data(config.utf8).write(to: configURL)
        let logURL = folder.appendingPathComponent("prometheus.log")
        try Data().write(to: logURL)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["prometheus", "--config.file=\(configURL.path)",
                             "--storage.tsdb.path=\(folder.appendingPathComponent("data").path)",
                             "--web.listen-address=127.0.0.1:\(port)"]
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try await waitUntilReady(log: logURL)
    }

    /// Waits for `/-/ready`, so a query failure later means a scrape problem, not a slow start.
    private func waitUntilReady(log: URL) async throws {
        for _ in 0..<120 {
            if let response = try? await HTTPClient.request(url: "http://127.0.0.1:\(port)/-/ready", timeout: .seconds(2)),
               response.status == 200 {
                return
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        stop()
        throw ToolFailure(description: "Prometheus on 127.0.0.1:\(port) never became ready; its log ends: \(text.suffix(1500))")
    }

    /// Runs an instant query until it returns at least `minimum` series (or gives up after `attempts` seconds).
    func query(_ promQL: String, minimum: Int, attempts: Int = 120) async throws -> [[String: Any]] {
        var lastError = "no answer"
        for _ in 0..<attempts {
            do {
                let result = try await instantQuery(promQL)
                if result.count >= minimum { return result }
                lastError = "\(result.count) series"
            } catch {
                lastError = "\(error)"
            }
            try await Task.sleep(for: .seconds(1))
        }
        throw ToolFailure(description: "Prometheus query \(promQL) gave \(lastError); its log ends: \(logTail())")
    }

    /// One instant query at the current time through Prometheus's HTTP API; a refused query throws with Prometheus's error.
    private static func get(_ url: String, attempts: Int) async throws -> HTTPResponse {
        for _ in 1..<attempts {
            if let response = try? await HTTPClient.request(url: url, timeout: .seconds(10)) { return response }
            try await Task.sleep(for: .milliseconds(200))
        }
        return try await HTTPClient.request(url: url, timeout: .seconds(10))
    }

    /// A connection Prometheus drops under load is tried again (three times in all);
    /// a query it refuses is not.
    func instantQuery(_ promQL: String) async throws -> [[String: Any]] {
        let encoded = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promQL
        let response = try await Self.get("http://127.0.0.1:\(port)/api/v1/query?query=\(encoded)", attempts: 3)
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        guard json?["status"] as? String == "success" else {
            throw ToolFailure(description: "Prometheus refused \(promQL): "
                + "\(json?["error"] as? String ?? response.bodyText)")
        }
        let data = json?["data"] as? [String: Any]
        return data?["result"] as? [[String: Any]] ?? []
    }

    func logTail() -> String {
        let log = (try? String(contentsOf: folder.appendingPathComponent("prometheus.log"), encoding: .utf8)) ?? ""
        return String(log.suffix(1500))
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: folder)
    }

}
