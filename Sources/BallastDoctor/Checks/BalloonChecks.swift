import BallastCore
import BallastDaemon
import BallastLibvirt

/// The memory checks of a domain: passthrough devices and huge pages (no ballooning
/// possible), the balloon device, the statistics period, the guest driver's reports,
/// deflate-on-OOM and free page reporting.
enum BalloonChecks {
    static let recommendedBalloonXML = """
        <memballoon model='virtio' autodeflate='on' freePageReporting='on'>
          <stats period='2'/>
        </memballoon>
        """

    static func findings(_ facts: DomainFacts, _ definition: DomainDefinition) -> [Finding] {
        var findings = [passthrough(facts, definition.devices), hugePages(facts, definition)].compactMap { $0 }
        guard definition.hasBalloon else {
            findings.insert(Finding(
                check: "domain.balloon-device", scope: facts.scope, severity: .blocker,
                found: definition.balloonModel == nil ? "no <memballoon> device" : "<memballoon model='none'>",
                why: "Ballast moves memory between guests only through the virtio balloon",
                fix: "virsh edit \(facts.name), and inside <devices> put:\n\(recommendedBalloonXML)\n"
                    + "then restart the domain (virsh shutdown \(facts.name); virsh start \(facts.name))"), at: 0)
            return findings
        }
        let devices = definition.devices
        findings.insert(.ok("domain.balloon-device", facts.scope, "virtio balloon present (model '\(definition.balloonModel ?? "")')"), at: 0)
        findings.append(statsPeriod(facts, devices.balloonStatsPeriod))
        if facts.running { findings.append(driver(facts, period: devices.balloonStatsPeriod)) }
        findings.append(autodeflate(facts, devices.balloonAutodeflate))
        findings.append(freePageReporting(facts, devices.balloonFreePageReporting))
        return findings
    }

    static func passthrough(_ facts: DomainFacts, _ devices: DomainDevices) -> Finding? {
        guard !devices.hostDevices.isEmpty else { return nil }
        return Finding(
            check: "domain.passthrough", scope: facts.scope, severity: .blocker,
            found: "passthrough device\(devices.hostDevices.count == 1 ? "" : "s"): \(devices.hostDevices.joined(separator: ", "))",
            why: "a guest with a <hostdev> has all its memory pinned for device DMA: the balloon cannot return any of it, "
                + "so no ballooning is possible",
            fix: optOutFix(facts))
    }

    static func hugePages(_ facts: DomainFacts, _ definition: DomainDefinition) -> Finding? {
        guard definition.hugePages else { return nil }
        return Finding(
            check: "domain.huge-pages", scope: facts.scope, severity: .blocker,
            found: "guest memory backed by huge pages (<memoryBacking><hugepages/>)",
            why: "huge pages are reserved on the host in advance: what the balloon takes from the guest is not "
                + "returned to the host, so ballooning gains nothing",
            fix: optOutFix(facts) + ", or remove <hugepages/> from <memoryBacking> (virsh edit \(facts.name); next start)")
    }

    /// The two ways to make Ballast leave a domain alone.
    static func optOutFix(_ facts: DomainFacts) -> String {
        "let Ballast leave it alone: virsh metadata \(facts.name) --uri \(BallastMetadata.namespace) --key ballast "
            + "--set '<policy><opt-out/></policy>' --live --config (or [vm.\"\(facts.name)\"] opt_out = true in the config)"
    }

    static func statsPeriod(_ facts: DomainFacts, _ period: Int?) -> Finding {
        let check = "domain.stats-period"
        if let period, period > 0 {
            return .ok(check, facts.scope, "balloon statistics every \(period) s")
        }
        return Finding(
            check: check, scope: facts.scope, severity: .warning,
            found: period == nil ? "no <stats period> on the balloon" : "balloon statistics period 0 (off)",
            why: "the guest reports its memory use only when a period is set; Ballast sets 2 s live when it first "
                + "sees the domain, but until then, and after each restart, it balances this guest blind",
            fix: "virsh dommemstat \(facts.name) --period 2 --live (now) and virsh dommemstat \(facts.name) --period 2 --config "
                + "(every boot), or <stats period='2'/> inside <memballoon>")
    }

    static func driver(_ facts: DomainFacts, period: Int?) -> Finding {
        let check = "domain.balloon-driver"
        if let stats = facts.stats, stats.hasGuestMemoryStats {
            let usable = stats.balloon.usable.map { "usable \(HumanFormat.bytes($0)) of " } ?? ""
            let available = stats.balloon.available.map { HumanFormat.bytes($0) } ?? "?"
            // Without a period the driver still sends one report when it loads, never refreshed.
            let refreshed = (period ?? 0) > 0 ? "" : "; one report when it loaded, not refreshed without a period"
            return .ok(check, facts.scope,
                       "the guest's balloon driver reports memory statistics (\(usable)\(available)\(refreshed))")
        }
        guard let period, period > 0 else {
            return Finding(
                check: check, scope: facts.scope, severity: .warning,
                found: "cannot tell whether the guest's balloon driver runs: no statistics period is set",
                why: "Ballast sizes memory from the guest's own report",
                fix: "set the statistics period (see domain.stats-period), wait one period, and run ballast doctor again")
        }
        return Finding(
            check: check, scope: facts.scope, severity: .blocker,
            found: "the guest reports no memory statistics beyond actual/rss (period \(period) s): no balloon driver answers",
            why: "without the guest's virtio_balloon driver the balloon neither moves nor reports what the guest uses",
            fix: "in the guest: modprobe virtio_balloon, and load it at boot (echo virtio_balloon > "
                + "/etc/modules-load.d/virtio_balloon.conf); Windows guests: install the virtio-win balloon driver")
    }

    static func autodeflate(_ facts: DomainFacts, _ on: Bool) -> Finding {
        balloonAttribute(facts, on: on, check: "domain.deflate-on-oom", label: "deflate-on-OOM", attribute: "autodeflate",
                         why: "if a guest fills its memory faster than Ballast grows it, the guest's OOM killer runs "
                             + "instead of the balloon giving memory back",
                         needs: "")
    }

    /// A running domain with a balloon, under the config's `on_stop`: with `keep`, the size
    /// Ballast last set outlives the daemon, which is safe only if the balloon deflates on
    /// the guest's OOM. Nil for a domain that is not running or has no balloon.
    static func onStop(_ facts: DomainFacts, _ definition: DomainDefinition, action: StopPolicy.Action) -> Finding? {
        guard facts.running, definition.hasBalloon else { return nil }
        let check = "domain.on-stop"
        switch action {
        case .release:
            return .ok(check, facts.scope, "on_stop = \"release\": ballast gives it its starting size back when it stops")
        case .keep where definition.devices.balloonAutodeflate:
            return .ok(check, facts.scope, "on_stop = \"keep\" with deflate-on-OOM on: safe to leave sized when ballast stops")
        case .keep:
            return Finding(
                check: check, scope: facts.scope, severity: .warning,
                found: "on_stop = \"keep\" (the default) and deflate-on-OOM off",
                why: "when ballast stops, this guest keeps the balloon size ballast last set and nothing grows it any "
                    + "more: if its demand rises, its OOM killer runs instead of the balloon giving memory back",
                fix: "virsh edit \(facts.name): <memballoon model='virtio' autodeflate='on'> (takes effect at the next "
                    + "start), or on_stop = \"release\" in the config (ballast restores the starting size when it stops)")
        }
    }

    static func freePageReporting(_ facts: DomainFacts, _ on: Bool) -> Finding {
        balloonAttribute(facts, on: on, check: "domain.free-page-reporting", label: "free page reporting",
                         attribute: "freePageReporting",
                         why: "memory the guest frees stays resident on the host until Ballast shrinks the balloon; "
                             + "with reporting it goes back at once and the host's free memory is true",
                         needs: "QEMU 5.1+, libvirt 6.9+, guest Linux 5.8+; ")
    }

    /// An on/off attribute of `<memballoon>`: ok when on, else a warning with the XML to set.
    private static func balloonAttribute(_ facts: DomainFacts, on: Bool, check: String, label: String, attribute: String,
                                         why: String, needs: String) -> Finding {
        if on { return .ok(check, facts.scope, "\(label) on (\(attribute)='on')") }
        return Finding(
            check: check, scope: facts.scope, severity: .warning, found: "\(label) off (no \(attribute)='on')", why: why,
            fix: "virsh edit \(facts.name): <memballoon model='virtio' \(attribute)='on'> (\(needs)takes effect at the next start)")
    }
}
