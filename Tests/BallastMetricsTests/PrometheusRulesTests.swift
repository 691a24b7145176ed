import Foundation
import Testing

/// contrib/prometheus/ballast.rules.yml passes `promtool check rules`, its unit
/// tests pass `promtool test rules`, and every rule has such tests.
@Suite("Prometheus rules")
struct PrometheusRulesTests {
    static let rules = RepositoryFiles.path("contrib/prometheus/ballast.rules.yml")
    static let ruleTests = RepositoryFiles.path("contrib/prometheus/ballast.rules.test.yml")

    @Test func rulesPassPromtoolCheck() throws {
        let result = try ProcessRunner.run("promtool", ["check", "rules", Self.rules])
        #expect(result.status == 0, "promtool check rules: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS"))
    }

    @Test func ruleUnitTestsPass() throws {
        let result = try ProcessRunner.run("promtool", ["test", "rules", Self.ruleTests])
        #expect(result.status == 0, "promtool test rules: \(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("SUCCESS"))
    }

    /// Each alert is tested not firing on the healthy host, pending before its `for:`
    /// and firing with its labels; each recording rule has its value checked.
    @Test func everyRuleHasUnitTests() throws {
        let tests = try String(contentsOfFile: Self.ruleTests, encoding: .utf8)
        let names = try RuleFile(path: Self.rules)
        #expect(names.alerts.count >= 8)
        #expect(!names.records.isEmpty)
        for alert in names.alerts {
            let quiet = tests.components(separatedBy: "alertname: \(alert), exp_alerts: []}").count - 1
            #expect(quiet >= 2, "\(alert) needs a not-firing and a pending case in ballast.rules.test.yml")
            #expect(tests.contains("alertname: \(alert)\n        exp_alerts:\n          - exp_labels:"),
                    "\(alert) needs a firing case in ballast.rules.test.yml")
        }
        for record in names.records {
            #expect(tests.contains("- expr: \(record)\n"), "recording rule \(record) has no promql_expr_test")
        }
    }
}

/// The names of the recording and alerting rules in a rules file.
struct RuleFile {
    var records: [String] = []
    var alerts: [String] = []

    init(path: String) throws {
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- record: ") { records.append(String(trimmed.dropFirst("- record: ".count))) }
            if trimmed.hasPrefix("- alert: ") { alerts.append(String(trimmed.dropFirst("- alert: ".count))) }
        }
    }
}
