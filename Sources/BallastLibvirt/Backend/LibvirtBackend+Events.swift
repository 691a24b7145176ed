import BallastCgroups
import BallastCore
import Logging

/// The event path's moving parts, owned by the backend: the task reading libvirt events,
/// the balloon watch between ticks, and the pressure triggers' thread.
struct EventWatchers {
    var events: Task<Void, Never>?
    var balloons: Task<Void, Never>?
    var pressure: PressureTriggerWatcher?
    var started = false
    /// Trigger failures already reported (each reason once).
    var reportedTriggerFailures: Set<String> = []

    func stop() {
        events?.cancel()
        balloons?.cancel()
        pressure?.stop()
    }
}

/// libvirt events, the balloon watch and pressure triggers: each only asks the daemon for
/// an urgent tick (`BalancerEvent.urgentTickRequested`) or updates what the next sample
/// and apply see; polling stays the source of truth.
extension LibvirtBackend {
    /// A balloon within this much of the target Ballast set is at the target (libvirt's
    /// balloon size wanders by a page or so); more above it while not shrinking towards
    /// it, the guest deflated the balloon by itself.
    static let balloonSlack: UInt64 = 1 << 20

    /// Starts the event path once (the first sample), when `options.events.enabled`.
    func startWatchers() {
        guard options.events.enabled, !watchers.started else { return }
        watchers.started = true
        if let stream = connection.events {
            watchers.events = Task { [weak self] in
                for await event in stream {
                    guard let self else { return }
                    await self.handle(event)
                }
            }
        }
        let period = options.events.balloonWatchInterval
        watchers.balloons = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(period))
                guard let self else { return }
                await self.watchBalloons()
            }
        }
        let sink = events
        watchers.pressure = PressureTriggerWatcher { path in
            sink.record(.urgentTickRequested(cause: .pressure, detail: "PSI trigger fired: \(path)"))
        }
        if options.events.hostMemoryPressureStall > 0 {
            armTrigger("/proc/pressure/memory", stall: options.events.hostMemoryPressureStall)
        }
    }

    /// Arms a PSI trigger on `path` (a host path) and watches it; a failure is logged once per reason.
    func armTrigger(_ path: String, stall: UInt64) {
        guard let watcher = watchers.pressure else { return }
        guard let root = (options.fileSystem as? RootedFileSystem)?.root else {
            reportTriggerFailure(PressureTriggerError(path: path, reason: "the backend reads an in-memory file system"))
            return
        }
        switch PressureTrigger.arm(path: path, root: root.isEmpty ? "/" : root, stall: stall,
                                   window: options.events.pressureWindow) {
        case .success(let trigger): watcher.add(trigger)
        case .failure(let error): reportTriggerFailure(error)
        }
    }

    /// Arms the VM's cgroup v2 `memory.pressure` trigger once per run of the domain.
    func armVMTrigger(_ group: MachineCgroup, name: String) {
        guard options.events.enabled, options.events.vmMemoryPressureStall > 0,
              let watcher = watchers.pressure else { return }
        guard group.version == .v2, let directory = group.directory(for: "memory") ?? group.directories.values.first else {
            reportTriggerFailure(PressureTriggerError(
                path: "memory.pressure of domain '\(name)'", reason: "cgroup v1 has no memory.pressure"), key: "v1")
            return
        }
        let path = directory + "/memory.pressure"
        guard !watcher.paths.contains(path) else { return }
        armTrigger(path, stall: options.events.vmMemoryPressureStall)
    }

    /// The trigger paths being watched now (tests, diagnostics).
    public var pressureTriggerPaths: [String] { watchers.pressure?.paths ?? [] }

    private func reportTriggerFailure(_ error: PressureTriggerError, key: String? = nil) {
        guard watchers.reportedTriggerFailures.insert(key ?? error.reason).inserted else { return }
        logger.notice("\(error); polling carries on")
    }

    func requestUrgentTick(_ cause: UrgentTickCause, _ detail: String) {
        events.record(.urgentTickRequested(cause: cause, detail: detail))
    }

    /// One libvirt event: updates what the next sample and apply see and asks for a tick.
    /// Events for domains never sampled, or after a domain is gone, change nothing but
    /// (for a start) ask for the tick that samples it.
    func handle(_ event: LibvirtEvent) {
        let uuid = event.uuid
        switch event.kind {
        case .lifecycle(.started, _), .lifecycle(.resumed, _):
            requestUrgentTick(.vmStarted, "domain '\(event.name)' started or resumed")
        case .lifecycle(.stopped, _), .lifecycle(.crashed, _):
            // Dropped now: an apply before the next sample skips it instead of failing.
            if let group = records.removeValue(forKey: uuid)?.cgroup, group.version == .v2,
               let directory = group.directory(for: "memory") {
                watchers.pressure?.remove(path: directory + "/memory.pressure")
            }
            requestUrgentTick(.vmStopped, "domain '\(event.name)' stopped")
        case .lifecycle(.undefined, _):
            records.removeValue(forKey: uuid)
        case .lifecycle:
            break
        case .balloonChanged(let bytes):
            // The event gives the balloon alone; the statistics (and Ballast's targets) count
            // a virtio-mem device's plugged memory in the domain's memory too.
            noteBalloon(uuid: uuid, name: event.name, bytes: bytes &+ (records[uuid]?.virtioMem?.plugged ?? 0))
        case .memoryDeviceResized(let bytes):
            guard records[uuid] != nil else { return }
            records[uuid]?.virtioMem?.see(plugged: bytes, at: Self.wallClock())
            requestUrgentTick(.memoryResized, "domain '\(event.name)' memory device now \(bytes) bytes")
        case .jobCompleted:
            break // a migration's end also arrives as a lifecycle event; the sample sees the rest
        case .connectionClosed(let reason):
            let error = LibvirtError(code: 0, domain: 0, message: "libvirt closed the connection (reason \(reason))",
                                     operation: "connection close callback",
                                     hint: "Ballast reconnects at once, then with back-off", connectionLost: true)
            markDisconnected(error)
            reconnect.retryNow()
            requestUrgentTick(.connectionLost, "connection to \(uri) closed (reason \(reason))")
        }
    }

    /// Between ticks: the balloon statistics of every running guest (one bulk call), asking
    /// for a tick when a guest is short enough of free memory that the tick would grow it
    /// (`LowHeadroomRule`: once per shortfall), it deflated its balloon by itself, or the
    /// guests' used memory entered their budget's emergency zone (once per episode: again
    /// only after the condition cleared).
    func watchBalloons() async {
        guard connected else { return }
        let all: [DomainStats]
        do {
            all = try await connection.balloonStats()
        } catch {
            if error.connectionLost {
                markDisconnected(error)
                reconnect.retryNow()
                requestUrgentTick(.connectionLost, "balloon watch: \(error)")
            }
            return
        }
        var guestsUsed: UInt64 = 0
        for stats in all {
            guard var record = records[stats.uuid] else { continue }
            let balloon = VMSampleAssembler.countedBalloon(stats, spec: record.spec,
                                                           pluggedSinceReport: record.pluggedSinceReport(stats))
            if let usable = balloon.usable,
               let used = Estimator.guestUsed(balloon, balloonSize: stats.balloonCurrent ?? 0) {
                // Guest used and headroom as the estimator counts them.
                guestsUsed &+= used
                let rule = options.watch.lowHeadroom
                let shortfall = rule.shortfall(free: usable, used: used)
                if rule.asksForTick(shortfall: shortfall, reported: &record.lowHeadroomShortfall) {
                    requestUrgentTick(.lowHeadroom, "domain '\(stats.name)' has \(usable) bytes available, "
                                      + "\(shortfall) bytes short of its headroom")
                }
            }
            records[stats.uuid] = record
            if let balloon = stats.balloonCurrent {
                noteBalloon(uuid: stats.uuid, name: stats.name, bytes: balloon)
            }
        }
        // Once per crossing into the budget's emergency zone (domains opted out by the config
        // count here but not in the tick: at worst one tick that finds no emergency).
        let overBudget = options.watch.budgetInEmergency(used: guestsUsed)
        if overBudget, !budgetEmergencyReported, let budget = options.watch.budget {
            requestUrgentTick(.memoryBudget, "guests use \(guestsUsed) bytes of their \(budget)-byte budget, "
                              + "less than \(options.watch.emergencyFreeFraction) of it free")
        }
        budgetEmergencyReported = overBudget
    }

    /// A balloon size seen between ticks (a balloon event or the balloon watch), against
    /// the target Ballast set (`DomainRecord.seeBalloon`): a guest that deflated its
    /// balloon by itself gets one urgent tick per episode; a guest that has released the
    /// memory a shrink asked for, while growth waits for it, gets one too.
    func noteBalloon(uuid: String, name: String, bytes: UInt64) {
        guard var record = records[uuid], let target = record.balloonTarget else { return }
        defer { records[uuid] = record }
        let sighting = record.seeBalloon(bytes, slack: record.memorySlack)
        if sighting.deflated, !record.selfDeflateReported {
            requestUrgentTick(.selfDeflate, "domain '\(name)' balloon at \(bytes) bytes, above the \(target) set")
        }
        record.selfDeflateReported = sighting.deflated
        if sighting.released, growthAwaitingRelease {
            growthAwaitingRelease = false
            requestUrgentTick(.memoryReleased, "domain '\(name)' released memory: balloon at \(bytes) bytes, the \(target) set")
        }
    }
}
