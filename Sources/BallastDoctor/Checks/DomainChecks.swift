import BallastCgroups
import BallastDaemon
import BallastLibvirt

/// Every check of one domain, in a fixed order: opt-out, readable XML, running, the
/// balloon's checks (with what `on_stop` means for it), the vCPU checks, the cgroup. A domain that opted out gets only the
/// opt-out finding: Ballast never touches it, so nothing else about it matters.
public enum DomainChecks {
    public static func findings(_ facts: DomainFacts, onStop: StopPolicy.Action = .keep) -> [Finding] {
        if let reason = facts.optOut {
            return [.ok("domain.opt-out", facts.scope, "opted out of Ballast (\(reason)): observed, never changed; not checked further")]
        }
        guard let definition = facts.definition else {
            return [Finding(check: "domain.xml", scope: facts.scope, severity: .blocker,
                            found: "domain XML unreadable: \(facts.definitionError ?? "no definition")",
                            why: "Ballast takes each domain's ceiling, vCPUs and devices from its XML",
                            fix: "check `virsh dumpxml \(facts.name)`; Ballast needs a well-formed <domain> document")]
        }
        var findings: [Finding] = []
        if !facts.running {
            findings.append(.ok("domain.state", facts.scope,
                                "not running: checked from its persistent definition; the guest driver and cgroup are checked while it runs"))
        }
        findings += BalloonChecks.findings(facts, definition)
        if let stop = BalloonChecks.onStop(facts, definition, action: onStop) { findings.append(stop) }
        if let virtioMem = VirtioMemCheck.finding(facts, definition) { findings.append(virtioMem) }
        findings += VCPUChecks.findings(facts, definition)
        if let cgroup = cgroupFinding(facts) { findings.append(cgroup) }
        return findings
    }

    static func cgroupFinding(_ facts: DomainFacts) -> Finding? {
        switch facts.cgroup {
        case nil:
            return nil
        case .success(let group):
            switch group.version {
            case .v2:
                let directory = group.directory(for: "memory") ?? group.relativePath
                return .ok("domain.cgroup", facts.scope, "cgroup v2 at \(directory)")
            case .v1:
                let controllers = group.directories.keys.sorted().joined(separator: ", ")
                return .ok("domain.cgroup", facts.scope, "cgroup v1 \(group.relativePath) under \(controllers)")
            }
        case .failure(let error):
            return Finding(check: "domain.cgroup", scope: facts.scope, severity: .warning, found: "\(error)",
                           why: "without the domain's cgroup Ballast cannot see its CPU throttling, run-queue delay or pressure",
                           fix: "run Ballast on the host (not in a container) where libvirtd puts guests under "
                               + "machine.slice or machine/; check `systemd-cgls -u machine.slice`")
        }
    }
}
