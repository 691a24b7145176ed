/// Everything one `ballast doctor` run found, in check order (host first, then each
/// domain by name), and the verdict that becomes the exit code.
public struct DoctorReport: Sendable, Hashable {
    /// The libvirt URI that was checked.
    public var uri: String
    public var findings: [Finding]

    public init(uri: String, findings: [Finding]) {
        self.uri = uri
        self.findings = findings
    }

    /// The worst severity found (`ok` when there are no findings).
    public var worst: Severity { findings.map(\.severity).max() ?? .ok }

    /// 0 fit, 1 warnings only, 2 at least one blocker.
    public var exitCode: Int32 {
        switch worst {
        case .ok: 0
        case .warning: 1
        case .blocker: 2
        }
    }

    public func count(_ severity: Severity) -> Int {
        findings.filter { $0.severity == severity }.count
    }

    /// The findings about `domain` (by name), in check order.
    public func findings(forDomain domain: String) -> [Finding] {
        findings.filter { if case .domain(let name, _) = $0.scope { name == domain } else { false } }
    }
}
