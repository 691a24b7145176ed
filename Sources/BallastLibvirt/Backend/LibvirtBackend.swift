import BallastCgroups
#if canImport(Glibc)
import Glibc
#endif
import BallastCore
import Logging

/// The real-host `Backend`: libvirt statistics and actuators plus the VMs'
/// cgroups and the host's /proc files, turned into `HostSnapshot`s.
///
/// - Each `sample()` lists the active domains anew, so VMs that start, stop,
///   pause or migrate away appear or vanish at the next sample.
/// - A lost or refused connection is reported once (`.backendConnection(up:
///   false)` and a log line), `sample()` throws until a reconnect attempt (with
///   exponential back-off) succeeds, then recovery is reported once. Because
///   `current` is always read from live state, balancing resumes from the VMs'
///   actual sizes.
/// - Domain XML is re-read every `xmlRefreshSamples` samples and when a domain's
///   id changes; its warnings are logged once per change and kept in `warnings`.
/// - With `options.events.enabled`, libvirt events, the balloon watch and pressure
///   triggers ask the daemon for urgent ticks (`LibvirtBackend+Events`); polling stays
///   the source of truth.
public actor LibvirtBackend: Backend {
    public nonisolated let uri: String
    let connection: LibvirtConnection
    let events: any BalancerEventSink
    let logger: Logger
    let options: LibvirtBackendOptions
    private let hostReader: HostReader
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    var connected = false
    var reconnect: ReconnectPolicy
    private var sampleCount: UInt64 = 0
    /// The event path's tasks (event stream, balloon watch) and pressure triggers, started
    /// by the first sample; `holdsEventLoop` says whether this backend holds the event loop.
    var watchers = EventWatchers()
    /// The last decision's growth waits for memory a guest is still releasing: the first
    /// release done asks for an urgent tick (`growthAwaitsRelease(_:)`).
    var growthAwaitingRelease = false
    /// The balloon watch already asked a tick for the guests' used memory being in their
    /// budget's emergency zone (asked again only after it left the zone).
    var budgetEmergencyReported = false
    private var holdsEventLoop: Bool
    private var layout: Result<CgroupLayout, CgroupLayoutError>?
    var records: [String: DomainRecord] = [:]
    /// vCPU bookkeeping of the domains known before a reconnect, by UUID with the domain id
    /// (a libvirtd restart does not restart domains): taken over by the first sample after it.
    private var vcpusBeforeReconnect: [String: (id: Int, vcpus: DomainVCPUs)] = [:]

    /// - Parameters:
    ///   - uri: libvirt URI, e.g. "qemu:///system" or "test:///default".
    ///   - events: where connection losses and backend errors are reported.
    ///   - logger: log destination (label e.g. "ballast.libvirt").
    public init(uri: String = "qemu:///system", events: any BalancerEventSink = DiscardingEventSink(),
                logger: Logger = Logger(label: "ballast.libvirt"), options: LibvirtBackendOptions = LibvirtBackendOptions()) {
        self.uri = uri
        // libvirt's event loop must run before a connection that wants events opens.
        var held = false
        if options.events.enabled {
            if let why = LibvirtEventLoop.shared.acquire() {
                logger.warning("libvirt events unavailable, polling only: \(why)")
            } else {
                held = true
            }
        }
        self.holdsEventLoop = held
        self.connection = LibvirtConnection(uri: uri, events: held)
        self.events = events
        self.logger = logger
        self.options = options
        self.hostReader = HostReader(fileSystem: options.fileSystem)
        self.reconnect = ReconnectPolicy(initialDelay: options.reconnectInitialDelay,
                                         maximumDelay: options.reconnectMaximumDelay)
        self.start = clock.now
    }

    /// The driver whose domains live in libvirt machine cgroups (see `LibvirtURI`).
    nonisolated var cgroupDriver: String? { LibvirtURI.cgroupDriver(uri) }

    /// Warnings from each domain's XML and Ballast metadata, by domain UUID.
    public var warnings: [VMID: [String]] {
        var result: [VMID: [String]] = [:]
        for (uuid, record) in records where !record.warnings.isEmpty { result[VMID(uuid)] = record.warnings }
        return result
    }

    deinit {
        watchers.stop()
        if holdsEventLoop { LibvirtEventLoop.shared.release() }
    }

    /// Stops the event path's tasks and triggers, closes the libvirt connection and ends
    /// its thread, then lets go of the event loop (whose thread ends with its last user).
    public func shutdown() async {
        watchers.stop()
        await connection.shutdown()
        connected = false
        if holdsEventLoop {
            holdsEventLoop = false
            LibvirtEventLoop.shared.release()
        }
    }

    public func sample() async throws -> HostSnapshot {
        let now = elapsed()
        startWatchers()
        try await ensureConnected(now: now)
        let host: HostKernelSample
        do {
            host = try hostReader.read()
        } catch {
            events.record(.backendError(operation: "sample", message: "\(error)"))
            throw LibvirtBackendError(detail: "\(error)")
        }
        let all: [DomainStats]
        do {
            all = try await connection.allDomainStats()
        } catch {
            try lost(error, during: "sample")
        }
        sampleCount += 1
        let cgroupLayout = detectLayout()
        var vms: [VMSample] = []
        vms.reserveCapacity(all.count)
        var seen = Set<String>()
        for stats in all {
            seen.insert(stats.uuid)
            do {
                vms.append(try await sampleDomain(stats, layout: cgroupLayout, now: now))
            } catch where error.connectionLost {
                try lost(error, during: "sample")
            } catch where error.isNoDomain {
                continue
            } catch {
                events.record(.backendError(operation: "sample", message: "\(error)"))
            }
        }
        records = records.filter { seen.contains($0.key) }
        vcpusBeforeReconnect = [:]
        let sample = HostSample(time: now, capacity: host.capacity, memoryAvailable: host.memoryAvailable,
                                cpuPressure: host.cpuPressure, memoryPressure: host.memoryPressure,
                                wallClock: Self.wallClock())
        return HostSnapshot(host: sample, vms: vms.sorted { $0.id < $1.id })
    }

    // MARK: per domain

    private func sampleDomain(_ stats: DomainStats, layout: Result<CgroupLayout, CgroupLayoutError>, now: Double)
        async throws(LibvirtError) -> VMSample {
        var record = try await refreshedRecord(stats)
        var extraNotes: [String] = []
        if let plugged = stats.vcpuCurrent { record.vcpus.observe(plugged: plugged) }
        if stats.state == .running, record.vcpus.recheckDue(at: now, interval: options.guestVCPURecheckInterval) {
            do {
                let online = try await connection.guestVCPUCount(uuid: stats.uuid, agentTimeout: options.agentTimeout)
                record.vcpus.guestOnline(online, at: now)
            } catch {
                if error.connectionLost || error.isNoDomain { throw error }
                // Keep the count Ballast set; ask again after the next interval, not every tick.
                record.vcpus.guest?.checkedAt = now
                extraNotes.append("guest vCPU count not re-read (\(error)); planning with the \(record.vcpus.effective) online vCPUs Ballast set")
            }
        }
        if stats.state == .running, !record.statsPeriodSet, record.hasBalloon {
            record.statsPeriodSet = true
            do {
                try await connection.setMemoryStatsPeriod(uuid: stats.uuid, seconds: options.memoryStatsPeriod)
            } catch {
                if error.connectionLost { throw error }
                logger.notice("domain '\(stats.name)': could not set the balloon statistics period: \(error)")
            }
        }
        var cgroup: CgroupSample?
        switch layout {
        case .failure(let error):
            extraNotes.append("\(error)")
        case .success(let layout):
            if record.cgroup == nil {
                if let driver = cgroupDriver {
                    switch MachineCgroupResolver(layout: layout, fileSystem: options.fileSystem)
                        .resolve(id: stats.id, name: stats.name, driver: driver) {
                    case .success(let group):
                        record.cgroup = group
                        armVMTrigger(group, name: stats.name)
                    case .failure(let error): record.cgroupError = "\(error)"
                    }
                } else {
                    record.cgroupError = "domain '\(stats.name)': no host cgroup to read under \(uri) "
                        + "(only the qemu and lxc drivers run domains in machine cgroups)"
                }
            }
            if let group = record.cgroup {
                cgroup = CgroupReader(fileSystem: options.fileSystem).read(group)
            } else if let error = record.cgroupError {
                extraNotes.append(error)
            }
        }
        if let error = record.definitionError { extraNotes.append(error) }
        var effective = stats
        if stats.vcpuCurrent != nil { effective.vcpuCurrent = record.vcpus.effective }
        var sample = VMSampleAssembler.assemble(stats: effective, spec: record.spec, hasBalloonDevice: record.hasBalloon,
                                                cgroup: cgroup, extraNotes: extraNotes,
                                                pluggedSinceReport: record.pluggedSinceReport(stats))
        let slack = record.memorySlack
        if let target = record.balloonTarget, let balloon = stats.balloonCurrent {
            if record.seeBalloon(balloon, slack: slack).deflated {
                // The guest overrode the target: it is no longer in flight, and the estimate
                // treats the deflation as demand (`VMSample.selfDeflatedFrom`).
                sample.selfDeflatedFrom = target
            } else if (target > balloon ? target - balloon : balloon - target) > slack {
                sample.memoryTarget = target
            }
        }
        if let balloon = stats.balloonCurrent { record.virtioMem?.see(domainMemory: balloon) }
        if let tracker = record.virtioMem {
            sample.virtioMem = tracker.state(at: now)
            if let unmet = tracker.unmetFor(at: now), !tracker.unmetReported {
                record.virtioMem?.unmetReported = true
                let message = "domain '\(stats.name)': the guest has plugged \(HumanFormat.bytes(tracker.plugged)) of the "
                    + "\(HumanFormat.bytes(tracker.requested)) its virtio-mem device was asked for \(Int(unmet)) s ago "
                    + "(no virtio_mem driver in the guest plugs nothing; memory in use, or not onlined movable, cannot be "
                    + "unplugged); Ballast does not ask again for that size"
                logger.warning("\(message)")
                events.record(.backendError(operation: "virtio_mem", message: message))
            }
        }
        records[stats.uuid] = record
        return sample
    }

    /// The domain's record, with its XML re-read when new, restarted (id changed) or due.
    private func refreshedRecord(_ stats: DomainStats) async throws(LibvirtError) -> DomainRecord {
        if let record = records[stats.uuid], record.id == stats.id,
           sampleCount - record.fetchedAtSample < UInt64(max(options.xmlRefreshSamples, 1)) {
            return record
        }
        let previous = records[stats.uuid]
        var definition: DomainDefinition?
        var definitionError: String?
        var warnings: [String] = []
        do {
            let config = try await connection.domainXML(uuid: stats.uuid, inactive: true)
            let live = try await connection.domainXML(uuid: stats.uuid, inactive: false)
            var parsed = try parse(config, name: stats.name, warnings: &warnings)
            // `virsh metadata` edits the live definition by default: metadata comes from there.
            let liveDefinition = try parse(live, name: stats.name, warnings: &warnings)
            parsed.metadata = liveDefinition.metadata ?? parsed.metadata
            // What the device was asked for and has plugged is in the live definition only.
            parsed.virtioMem = liveDefinition.virtioMem
            parsed.virtioMemProblem = liveDefinition.virtioMemProblem
            parsed.memory = liveDefinition.memory ?? parsed.memory
            parsed.memoryDeviceSizes = liveDefinition.memoryDeviceSizes
            definition = parsed
        } catch let error as LibvirtError {
            if error.connectionLost || error.isNoDomain { throw error }
            definitionError = "domain XML unreadable, defaults used: \(error)"
        } catch {
            definitionError = "\(error); defaults used"
        }
        let built = DomainPolicy.spec(definition ?? DomainDefinition(name: stats.name),
                                      fallbackMemory: stats.balloonMaximum, fallbackVCPUs: stats.vcpuMaximum)
        warnings.append(contentsOf: built.warnings)
        let uniqueWarnings = uniqueInOrder(warnings)
        if uniqueWarnings != previous?.warnings ?? [] {
            for warning in uniqueWarnings { logger.warning("\(warning)") }
        }
        let sameRun = previous?.id == stats.id
        let beforeReconnect = vcpusBeforeReconnect.removeValue(forKey: stats.uuid)
        // The governor changes vCPUs only where the spec allows hot-plug, with the latch.
        var spec = built.spec
        spec.vcpuHotplug = built.spec.vcpuHotplug || (sameRun && previous?.spec.vcpuHotplug == true)
        return DomainRecord(
            id: stats.id, name: stats.name, definition: definition, definitionError: definitionError,
            spec: spec, warnings: uniqueWarnings, fetchedAtSample: sampleCount,
            cgroup: sameRun ? previous?.cgroup : nil, cgroupError: nil,
            statsPeriodSet: sameRun ? previous?.statsPeriodSet ?? false : false,
            vcpus: DomainVCPUs.forRun(id: stats.id, plugged: stats.vcpuCurrent ?? built.spec.maxVCPUs,
                                      known: previous.map { ($0.id, $0.vcpus) } ?? beforeReconnect),
            balloonTarget: sameRun ? previous?.balloonTarget : nil,
            lowHeadroomShortfall: sameRun ? previous?.lowHeadroomShortfall : nil,
            selfDeflateReported: sameRun ? previous?.selfDeflateReported ?? false : false,
            releasing: sameRun ? previous?.releasing ?? false : false,
            lastBalloonSeen: sameRun ? previous?.lastBalloonSeen : nil,
            virtioMem: VirtioMemTracker.forRun(definition, previous: sameRun ? previous?.virtioMem : nil,
                                               wallClock: Self.wallClock())
        )
    }

    private func parse(_ xml: String, name: String, warnings: inout [String]) throws -> DomainDefinition {
        let result = try DomainXMLParser.parse(xml, domainName: name)
        warnings.append(contentsOf: result.warnings)
        return result.definition
    }

    // MARK: connection

    private func ensureConnected(now: Double) async throws {
        if connected { return }
        guard reconnect.mayAttempt(at: now) else {
            throw LibvirtBackendError(detail: "not connected to \(uri); next attempt in \(Int(reconnect.secondsUntilRetry(from: now).rounded(.up))) s")
        }
        do {
            try await connection.connect()
        } catch {
            if reconnect.failed(at: now) {
                logger.error("libvirt connection to \(uri) unavailable: \(error)")
                events.record(.backendConnection(up: false, detail: "\(error)"))
            }
            throw error
        }
        connected = true
        for note in await connection.takeSubscriptionNotes() { logger.notice("libvirt events: \(note)") }
        // Definitions and cgroups are read afresh; what Ballast did to each domain's vCPUs is kept.
        // (Merged: a sample that failed half-way after the last reconnect took over only some.)
        vcpusBeforeReconnect.merge(records.mapValues { ($0.id, $0.vcpus) }) { _, newer in newer }
        records = [:]
        if reconnect.succeeded() {
            logger.notice("libvirt connection to \(uri) restored")
            events.record(.backendConnection(up: true, detail: "connected to \(uri)"))
        }
    }

    /// Handles an error during a sample or an apply: a lost connection is reported once and
    /// the next sample reconnects; anything else is an error of this operation.
    func lost(_ error: LibvirtError, during operation: String) throws -> Never {
        if error.connectionLost {
            markDisconnected(error)
        } else {
            events.record(.backendError(operation: operation, message: "\(error)"))
        }
        throw error
    }

    func markDisconnected(_ error: LibvirtError) {
        guard connected else { return }
        connected = false
        if reconnect.failed(at: elapsed()) {
            logger.error("libvirt connection to \(uri) lost: \(error)")
            events.record(.backendConnection(up: false, detail: "\(error)"))
        }
    }

    private func detectLayout() -> Result<CgroupLayout, CgroupLayoutError> {
        if let layout { return layout }
        let detected: Result<CgroupLayout, CgroupLayoutError>
        do {
            detected = .success(try CgroupLayout.detect(in: options.fileSystem))
        } catch {
            logger.warning("\(error); per-VM cgroup statistics unavailable")
            detected = .failure(error)
        }
        layout = detected
        return detected
    }

    func elapsed() -> Double {
        (clock.now - start).seconds
    }
}

/// `items` without repeats, first occurrence kept.
func uniqueInOrder(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}

extension LibvirtBackend {
    /// Seconds since 1970 UTC (CLOCK_REALTIME): where a sample falls in the day, for prediction.
    static func wallClock() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
