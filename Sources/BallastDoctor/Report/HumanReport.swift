/// The doctor's report as an operator reads it: the host's findings, then each domain's;
/// one line per `ok`, and for each warning or blocker why it matters and the fix.
public enum HumanReport {
    public static func render(_ report: DoctorReport) -> String {
        var lines = ["ballast doctor: \(report.uri)", "", "host"]
        var currentDomain: String?
        for finding in report.findings {
            if case .domain(let name, _) = finding.scope, name != currentDomain {
                currentDomain = name
                lines += ["", "domain \(name)"]
            }
            lines += render(finding)
        }
        lines += ["", verdict(report)]
        return lines.joined(separator: "\n")
    }

    static func render(_ finding: Finding) -> [String] {
        let label = finding.severity.rawValue.uppercased().padding(toWidth: 8)
        let name = finding.check.split(separator: ".", maxSplits: 1).last.map(String.init) ?? finding.check
        var lines = ["  \(label) \(name.padding(toWidth: 20)) \(finding.found)"]
        guard finding.severity != .ok else { return lines }
        let indent = String(repeating: " ", count: 11)
        if !finding.why.isEmpty { lines.append("\(indent)why: \(finding.why)") }
        if let fix = finding.fix {
            let fixLines = fix.split(separator: "\n", omittingEmptySubsequences: false)
            lines.append("\(indent)fix: \(fixLines.first ?? "")")
            lines += fixLines.dropFirst().map { "\(indent)     \($0)" }
        }
        return lines
    }

    static func verdict(_ report: DoctorReport) -> String {
        let blockers = report.count(.blocker), warnings = report.count(.warning)
        switch report.worst {
        case .ok:
            return "fit: every check passed (exit 0)"
        case .warning:
            return "\(plural(warnings, "warning")): Ballast runs, with the limits above (exit 1)"
        case .blocker:
            return "\(plural(blockers, "blocker")), \(plural(warnings, "warning")): fix the blockers before "
                + "Ballast can balance what they name (exit 2)"
        }
    }

    static func plural(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}

extension String {
    /// The text padded with spaces to `width` characters (never cut).
    func padding(toWidth width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
