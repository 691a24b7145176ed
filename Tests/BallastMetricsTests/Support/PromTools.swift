import Foundation

/// The two independent parsers the exposition must satisfy: Prometheus's
/// own `promtool check metrics` and the Python `prometheus_client` parser.
enum PromTools {
    /// Runs `promtool check metrics`; returns its complaints (empty when clean).
    static func promtoolProblems(_ text: [UInt8]) throws -> String? {
        let result = try ProcessRunner.run("promtool", ["check", "metrics"], stdin: text)
        return result.status == 0 ? nil : "promtool exit \(result.status): \(result.stdout)\(result.stderr)"
    }

    /// A parsed sample: metric name, labels, value.
    struct Sample: Decodable, Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    private static let parserScript = """
    import json, sys
    from prometheus_client.parser import text_string_to_metric_families
    out = []
    for family in text_string_to_metric_families(sys.stdin.read()):
        for s in family.samples:
            out.append({"name": s.name, "labels": s.labels, "value": s.value})
    json.dump(out, sys.stdout)
    """

    /// Parses with `prometheus_client` (pip install prometheus_client); throws with its error otherwise.
    static func pythonParse(_ text: [UInt8]) throws -> [Sample] {
        let result = try ProcessRunner.run("python3", ["-c", parserScript], stdin: text)
        guard result.status == 0 else {
            throw ToolFailure(description: "prometheus_client parser failed (exit \(result.status)); "
                + "is it installed (pip install prometheus_client)? \(result.stderr)")
        }
        return try JSONDecoder().decode([Sample].self, from: Data(result.stdout.utf8))
    }
}

/// An external tool failed; the message says which and how.
struct ToolFailure: Error, CustomStringConvertible {
    var description: String
}
