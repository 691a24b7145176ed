/// Decides, once per tick, what KSM should be doing: MOM's KSM rules driven by
/// Ballast's own view of the host. ksmd runs while the running guests' memory is
/// committed past `startCommittedFraction` and stops (leaving merged pages merged)
/// below `stopCommittedFraction`; in between it keeps doing what it did. In mode
/// `auto`, `pages_to_scan` rises linearly from `pagesToScanMin` at the start line to
/// `pagesToScanMax` at full commitment, scaled down while ksmd's measured CPU is over
/// `maxCPUFraction` (the cap wins over the minimum). Pure: the caller reads the kernel,
/// hands the reading in, and writes what comes back.
public struct KSMController: Sendable {
    public var settings: KSMSettings
    /// The multiplier the CPU cap puts on `pages_to_scan` (1: no cut).
    public private(set) var cpuScale: Double = 1
    private var lastCPU: (seconds: Double, at: Double)?

    /// The smallest multiplier the CPU cap applies (one page in a hundred of the pressure's figure).
    static let minimumCPUScale = 0.01

    public init(settings: KSMSettings) {
        self.settings = settings
    }

    /// The running guests' memory (their current sizes) over the host's physical memory.
    public static func committedFraction(of report: TickReport) -> Double {
        let capacity = report.snapshot.host.capacity.memory
        guard capacity > 0 else { return 0 }
        var committed: Double = 0
        for vm in report.snapshot.vms { committed += Double(vm.current.memory) }
        for vm in report.unbalanced where vm.state == .running || vm.state == .paused {
            committed += Double(vm.current.memory)
        }
        return committed / Double(capacity)
    }

    /// What to write this tick and why. `time` is monotonic seconds (ksmd's CPU rate is
    /// measured between two calls). Mode `off` never writes.
    public mutating func decide(_ reading: KSMReading, committed: Double, time: Double) -> KSMDecision {
        let cpu = measureCPU(reading, time: time)
        let mode = effectiveMode(reading)
        let running = reading.run == 1
        var decision = KSMDecision(committedFraction: committed, ksmdCPUFraction: cpu, writes: [], reason: "")
        guard mode != .off else {
            decision.reason = "mode off: KSM left as it is (run = \(reading.run))"
            return decision
        }
        adjustCPUScale(cpu)
        let wantRun: Bool
        let line: String
        if committed >= settings.startCommittedFraction {
            wantRun = true
            line = "at or above the start line \(Self.percent(settings.startCommittedFraction))"
        } else if committed < settings.stopCommittedFraction {
            wantRun = false
            line = "below the stop line \(Self.percent(settings.stopCommittedFraction))"
        } else {
            wantRun = running
            line = "between the stop and start lines: \(running ? "still running" : "still stopped")"
        }
        let committedText = "committed \(Self.percent(committed)) of host memory, \(line)"
        guard wantRun else {
            if running { decision.writes.append(.run(0)) }
            decision.reason = "\(committedText): ksmd stopped, merged pages left merged"
            return decision
        }
        if mode == .advisor {
            decision.writes += advisorWrites(reading)
            decision.reason = "\(committedText): ksmd runs, the kernel's scan-time advisor sets its pace "
                + "(at most \(Self.percent(settings.maxCPUFraction)) of a core)"
        } else {
            let pages = pagesToScan(committed: committed)
            if reading.sleepMilliseconds != settings.sleepMilliseconds {
                decision.writes.append(.sleepMilliseconds(settings.sleepMilliseconds))
            }
            if reading.pagesToScan != pages { decision.writes.append(.pagesToScan(pages)) }
            decision.reason = "\(committedText): ksmd runs, \(pages) pages per \(settings.sleepMilliseconds) ms"
                + (cpuScale < 1 ? " (cut to \(Self.percent(cpuScale)) by the CPU cap \(Self.percent(settings.maxCPUFraction)) of a core)" : "")
            if settings.mode == .advisor {
                decision.reason += "; no scan-time advisor on this kernel (advisor_mode needs Linux 6.7): Ballast sets the pace"
            }
        }
        if !running { decision.writes.append(.run(1)) }
        return decision
    }

    /// `pages_to_scan` for a committed fraction at or past the start line, after the CPU cap.
    public func pagesToScan(committed: Double) -> Int {
        let start = settings.startCommittedFraction
        let span = max(1 - start, 1e-9)
        let pressure = min(max((committed - start) / span, 0), 1)
        let byPressure = Double(settings.pagesToScanMin) + Double(settings.pagesToScanMax - settings.pagesToScanMin) * pressure
        return max(1, Int((byPressure * cpuScale).rounded()))
    }

    /// `advisor`, except on a kernel without the advisor, where Ballast paces ksmd itself.
    private func effectiveMode(_ reading: KSMReading) -> KSMSettings.Mode {
        settings.mode == .advisor && !reading.hasAdvisor ? .auto : settings.mode
    }

    private func advisorWrites(_ reading: KSMReading) -> [KSMWrite] {
        var writes: [KSMWrite] = []
        if reading.advisorMode != "scan-time" { writes.append(.advisorMode("scan-time")) }
        let percent = max(1, Int((settings.maxCPUFraction * 100).rounded()))
        if reading.advisorMaxCPUPercent != percent { writes.append(.advisorMaxCPUPercent(percent)) }
        return writes
    }

    /// ksmd's CPU over the time since the last reading, as a fraction of one core.
    private mutating func measureCPU(_ reading: KSMReading, time: Double) -> Double? {
        defer { lastCPU = reading.ksmdCPUSeconds.map { ($0, time) } }
        guard let now = reading.ksmdCPUSeconds, let last = lastCPU, time > last.at, now >= last.seconds else { return nil }
        return (now - last.seconds) / (time - last.at)
    }

    /// Over the cap: cut the pace in proportion (with a 10 % margin). Well under it (half):
    /// give a quarter back per tick, up to no cut.
    private mutating func adjustCPUScale(_ cpu: Double?) {
        guard let cpu else { return }
        if cpu > settings.maxCPUFraction {
            cpuScale = max(Self.minimumCPUScale, cpuScale * settings.maxCPUFraction / cpu * 0.9)
        } else if cpu < settings.maxCPUFraction / 2 {
            cpuScale = min(1, cpuScale * 1.25)
        }
    }

    static func percent(_ fraction: Double) -> String {
        "\((fraction * 100).decimalText(places: 1)) %"
    }
}

/// One tick's KSM decision: what to write, and the figures and words behind it.
public struct KSMDecision: Sendable, Hashable, Codable {
    public var committedFraction: Double
    /// ksmd's CPU since the last tick, fraction of one core; nil on the first tick or without ksmd.
    public var ksmdCPUFraction: Double?
    public var writes: [KSMWrite]
    public var reason: String

    public init(committedFraction: Double, ksmdCPUFraction: Double?, writes: [KSMWrite], reason: String) {
        self.committedFraction = committedFraction
        self.ksmdCPUFraction = ksmdCPUFraction
        self.writes = writes
        self.reason = reason
    }
}

/// What `/metrics` and `/v1/state` show about KSM after a tick.
public struct KSMStatus: Sendable, Hashable, Codable {
    /// The settings the controller ran with.
    public var settings: KSMSettings
    /// The kernel's figures after this tick's writes; nil when they could not be read.
    public var reading: KSMReading?
    public var decision: KSMDecision?
    /// Whether the writes were held back (a dry run).
    public var dryRun: Bool
    /// Why KSM could not be read or written this tick, if it could not.
    public var error: String?

    public init(settings: KSMSettings, reading: KSMReading?, decision: KSMDecision?, dryRun: Bool, error: String?) {
        self.settings = settings
        self.reading = reading
        self.decision = decision
        self.dryRun = dryRun
        self.error = error
    }
}
