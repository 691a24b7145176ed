import FoundationEssentials

/// The doctor's report as JSON for scripts and monitoring: the shape documented in
/// docs/doctor.md ("JSON output"), versioned by `schema`. Keys are sorted, absent
/// values are `null`, so the shape does not depend on what was found.
public enum JSONReport {
    public static let schema = "ballast.doctor/1"

    public static func render(_ report: DoctorReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Document(report)) else {
            return #"{"schema":"\#(schema)","error":"the report could not be encoded"}"#
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct Document: Encodable {
        var schema = JSONReport.schema
        var uri: String
        var verdict: String
        var exitCode: Int32
        var counts: [String: Int]
        var findings: [Item]

        init(_ report: DoctorReport) {
            uri = report.uri
            verdict = switch report.worst {
            case .ok: "fit"
            case .warning: "warnings"
            case .blocker: "blockers"
            }
            exitCode = report.exitCode
            counts = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, report.count($0)) })
            findings = report.findings.map(Item.init)
        }

        enum CodingKeys: String, CodingKey {
            case schema, uri, verdict, exitCode = "exit_code", counts, findings
        }
    }

    struct Item: Encodable {
        var finding: Finding

        init(_ finding: Finding) {
            self.finding = finding
        }

        enum CodingKeys: String, CodingKey {
            case check, scope, domain, uuid, severity, found, why, fix
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(finding.check, forKey: .check)
            try container.encode(finding.severity.rawValue, forKey: .severity)
            try container.encode(finding.found, forKey: .found)
            try container.encode(finding.why.isEmpty ? nil : finding.why, forKey: .why)
            try container.encode(finding.fix, forKey: .fix)
            switch finding.scope {
            case .host:
                try container.encode("host", forKey: .scope)
                try container.encodeNil(forKey: .domain)
                try container.encodeNil(forKey: .uuid)
            case .domain(let name, let uuid):
                try container.encode("domain", forKey: .scope)
                try container.encode(name, forKey: .domain)
                try container.encode(uuid, forKey: .uuid)
            }
        }
    }
}
