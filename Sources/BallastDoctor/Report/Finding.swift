/// How much a finding stands in Ballast's way. Ordered: `ok` < `warning` < `blocker`.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable {
    /// Fit: nothing to do.
    case ok
    /// Ballast runs, but one of its knobs or signals is missing for this host or domain.
    case warning
    /// Ballast cannot balance this host or domain until it is fixed.
    case blocker

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// What a finding is about: the host, or one domain (by name and UUID).
public enum FindingScope: Sendable, Hashable {
    case host
    case domain(name: String, uuid: String)
}

/// One result of one preflight check: what was found, why it matters to Ballast, and
/// the exact fix (a command, the XML to add, the module to load). `ballast doctor`
/// prints these; docs/doctor.md lists every check.
public struct Finding: Sendable, Hashable {
    /// Stable identifier of the check, e.g. `host.psi` or `domain.balloon-driver`.
    public var check: String
    public var scope: FindingScope
    public var severity: Severity
    public var found: String
    /// Why this matters to Ballast; empty for `ok`.
    public var why: String
    /// What to do; nil for `ok`.
    public var fix: String?

    public init(check: String, scope: FindingScope, severity: Severity, found: String, why: String = "",
                fix: String? = nil) {
        self.check = check
        self.scope = scope
        self.severity = severity
        self.found = found
        self.why = why
        self.fix = fix
    }

    static func ok(_ check: String, _ scope: FindingScope, _ found: String) -> Finding {
        Finding(check: check, scope: scope, severity: .ok, found: found)
    }
}
