import BallastCgroups
import BallastCore
import BallastLibvirt

/// Collects each domain's facts over an open connection (list, statistics, XML, cgroup)
/// and runs `DomainChecks` on them. Read-only: it never sets anything on a domain.
struct DomainGatherer {
    let connection: LibvirtConnection
    let layout: CgroupLayout?
    let config: DoctorConfig
    let options: DoctorOptions

    func findings() async -> [Finding] {
        let listed: [DomainSummary]
        let stats: [String: DomainStats]
        do {
            listed = try await connection.listDomains()
            stats = try await statistics()
        } catch {
            return [Finding(check: "host.domains", scope: .host, severity: .blocker,
                            found: "cannot list the domains or their statistics: \(error)",
                            why: "Ballast samples every running domain each tick", fix: error.hint)]
        }
        var findings = missingDomains(listed)
        let chosen = listed.filter { options.domains.isEmpty || options.domains.contains($0.name) }
            .sorted { $0.name < $1.name }
        var facts: [DomainFacts] = []
        for domain in chosen { facts.append(await gather(domain, stats: stats[domain.uuid])) }
        facts = await withFirstStatistics(facts)
        if facts.isEmpty, options.domains.isEmpty {
            findings.append(.ok("host.domains", .host, "no domains defined at \(connection.uri): nothing to check per domain"))
        }
        for fact in facts { findings += DomainChecks.findings(fact, onStop: config.onStop) }
        return findings
    }

    private func statistics() async throws(LibvirtError) -> [String: DomainStats] {
        Dictionary(try await connection.allDomainStats().map { ($0.uuid, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// `--domain` names that are not defined here.
    private func missingDomains(_ listed: [DomainSummary]) -> [Finding] {
        let names = Set(listed.map(\.name))
        return options.domains.filter { !names.contains($0) }.map { name in
            Finding(check: "host.domains", scope: .host, severity: .blocker,
                    found: "no domain named '\(name)' at \(connection.uri)",
                    why: "--domain names a domain that is not there to check",
                    fix: "list the domains with virsh -c \(connection.uri) list --all")
        }
    }

    /// The facts with the statistics read again after `statsWait`, when a guest has not
    /// reported yet (just started); as they were otherwise.
    private func withFirstStatistics(_ facts: [DomainFacts]) async -> [DomainFacts] {
        guard options.statsWait > 0, facts.contains(where: awaitsFirstStatistics) else { return facts }
        try? await Task.sleep(for: .seconds(options.statsWait))
        guard let stats = try? await statistics() else { return facts }
        return facts.map { fact in
            var fact = fact
            if fact.running { fact.stats = stats[fact.uuid] }
            return fact
        }
    }

    /// A running guest with a balloon and a period that has not reported yet (just started).
    private func awaitsFirstStatistics(_ facts: DomainFacts) -> Bool {
        guard facts.running, facts.optOut == nil, let definition = facts.definition, definition.hasBalloon,
              (definition.devices.balloonStatsPeriod ?? 0) > 0 else { return false }
        return facts.stats?.hasGuestMemoryStats != true
    }

    private func gather(_ domain: DomainSummary, stats: DomainStats?) async -> DomainFacts {
        let running = domain.state == .running || domain.state == .paused
        var facts = DomainFacts(name: domain.name, uuid: domain.uuid, running: running, stats: running ? stats : nil)
        do {
            let xml = try await connection.domainXML(uuid: domain.uuid, inactive: !running)
            facts.definition = try DomainXMLParser.parse(xml, domainName: domain.name).definition
        } catch {
            facts.definitionError = "\(error)"
        }
        if facts.definition?.metadata?.optOut == true {
            facts.optOut = "Ballast metadata <opt-out/>"
        } else {
            facts.optOut = config.optOut(uuid: domain.uuid, name: domain.name)
        }
        if running, let layout, let driver = LibvirtURI.cgroupDriver(connection.uri) {
            facts.cgroup = MachineCgroupResolver(layout: layout, fileSystem: options.fileSystem)
                .resolve(id: domain.id, name: domain.name, driver: driver)
        }
        return facts
    }
}
