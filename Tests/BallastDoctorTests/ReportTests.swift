import BallastDoctor
import Foundation
import Testing

/// The verdict, the exit code and both renderings of a report.
struct ReportTests {
    static let report = DoctorReport(uri: "qemu:///system", findings: [
        Finding(check: "host.psi", scope: .host, severity: .ok, found: "/proc/pressure/memory readable"),
        Finding(check: "domain.guest-agent", scope: .domain(name: "web", uuid: "u-1"), severity: .warning,
                found: "no guest agent channel", why: "cannot lower vCPUs", fix: "add\n<channel/>"),
    ])

    @Test func theExitCodeIsTheWorstSeverity() {
        #expect(DoctorReport(uri: "u", findings: []).exitCode == 0)
        #expect(Self.report.exitCode == 1)
        var blocked = Self.report
        blocked.findings.append(Finding(check: "host.libvirt", scope: .host, severity: .blocker, found: "down"))
        #expect(blocked.exitCode == 2)
    }

    @Test func theHumanFormGroupsByDomainAndGivesWhyAndFix() {
        let text = HumanReport.render(Self.report)
        #expect(text.contains("domain web\n  WARNING  guest-agent"))
        #expect(text.contains("why: cannot lower vCPUs"))
        #expect(text.contains("fix: add\n                <channel/>"))
        #expect(text.hasSuffix("1 warning: Ballast runs, with the limits above (exit 1)"))
    }

    @Test func theJSONShapeIsStable() throws {
        let data = Data(JSONReport.render(Self.report).utf8)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Set(document.keys) == ["schema", "uri", "verdict", "exit_code", "counts", "findings"])
        #expect(document["schema"] as? String == "ballast.doctor/1")
        #expect(document["verdict"] as? String == "warnings")
        #expect(document["exit_code"] as? Int == 1)
        #expect(document["counts"] as? [String: Int] == ["ok": 1, "warning": 1, "blocker": 0])
        let findings = try #require(document["findings"] as? [[String: Any]])
        for finding in findings {
            #expect(Set(finding.keys) == ["check", "scope", "domain", "uuid", "severity", "found", "why", "fix"])
        }
        #expect(findings[0]["domain"] is NSNull && findings[0]["fix"] is NSNull)
        #expect(findings[1]["domain"] as? String == "web" && findings[1]["uuid"] as? String == "u-1")
    }
}
