import BallastCore

/// The single owner of everything Ballast reports about itself: the latest
/// `TickReport`, tick counters and durations, per-VM change counters and last
/// changes, and health. The daemon records one report per tick; the HTTP
/// endpoint takes snapshots and renders them outside the actor. Events from
/// plugins and backends go to `eventSink`, which counts them under its own lock.
public actor ObservabilityState {
    /// Where plugins and backends report events; cheap and non-blocking.
    public nonisolated let eventSink: MetricsEventSink
    /// The hypervisor being balanced, as announced.
    public nonisolated let backend: BackendIdentity?
    /// The tick interval health is judged by; the daemon loop pushes a new one on reload.
    public private(set) var healthPolicy: HealthPolicy
    private let clock: any SecondsClock
    private let startedAt: Double
    /// The daemon's heap now (`ballast_heap_bytes`), read at each scrape.
    private let heap: @Sendable () -> HeapUsage?

    private var latest: TickReport?
    private var lastTickAt: Double?
    private var stallReason: String?
    private var ticks: UInt64 = 0
    private var lateTicks: UInt64 = 0
    private var tickDuration = Histogram()
    private var stageFailures: [String: UInt64] = [:]
    private var history: [VMID: VMHistory] = [:]
    private var vmSeries: [VMSeries] = []
    private var host: HostSeries?
    /// Whether the last tick sampled the backend (`nil` before the first one).
    private var backendSampled: Bool?
    /// KSM after the last tick; `nil` where Ballast does not look at KSM (the simulator).
    private var ksm: KSMStatus?

    /// - Parameters:
    ///   - interval: the tick interval, seconds; health allows `policy.graceIntervals` of them between ticks.
    ///   - clock: monotonic seconds; tests pass a manual clock.
    ///   - backend: which hypervisor is balanced, announced by `/healthz`, `/v1/state` and
    ///     `ballast_backend_info`; `nil` only where no daemon runs (tests of other parts).
    ///   - heap: reads the heap for each `/metrics`; tests that compare two scrapes byte for
    ///     byte pass one that does not move.
    public init(interval: Double, graceIntervals: Double = 3, clock: any SecondsClock = MonotonicSecondsClock(),
                eventSink: MetricsEventSink = MetricsEventSink(), backend: BackendIdentity? = nil,
                heap: @escaping @Sendable () -> HeapUsage? = HeapUsage.current) {
        self.heap = heap
        self.healthPolicy = HealthPolicy(interval: interval, graceIntervals: graceIntervals)
        self.backend = backend
        self.clock = clock
        self.startedAt = clock.now()
        self.eventSink = eventSink
    }

    /// A new wall interval between ticks (config reload): `/healthz` and `/v1/state`
    /// judge and report by it from now on.
    public func updateInterval(_ seconds: Double) {
        healthPolicy.interval = seconds
    }

    /// Takes in one tick: what it saw, what it decided and applied, how long it
    /// took and whether it started late. Clears a stall mark.
    public func record(report: TickReport, tickSeconds: Double, late: Bool) {
        latest = report
        lastTickAt = clock.now()
        stallReason = nil
        backendSampled = true
        ticks += 1
        if late { lateTicks += 1 }
        tickDuration.observe(tickSeconds)
        for stage in report.stages where !stage.succeeded {
            stageFailures[stage.stage, default: 0] += 1
        }
        updateHistory(report)
        vmSeries = buildSeries(report)
        host = Self.hostSeries(report)
    }

    /// Marks a tick that failed: the daemon is unhealthy, and the backend down
    /// (a tick fails only when the backend cannot be sampled at all), until the
    /// next tick is recorded.
    public func markStalled(_ reason: String) {
        stallReason = reason
        backendSampled = false
    }

    /// KSM as the controller left it after a tick (`ballast_ksm_*`, `/v1/state`'s `ksm`).
    public func recordKSM(_ status: KSMStatus) {
        ksm = status
    }

    /// Healthy while ticks arrive on time; otherwise why not.
    public func health() -> HealthStatus {
        let now = clock.now()
        let limit = healthPolicy.allowedGap
        if let stallReason {
            return HealthStatus(healthy: false, reason: "stalled: \(stallReason)")
        }
        guard let lastTickAt else {
            let waited = now - startedAt
            if waited > limit {
                return HealthStatus(healthy: false, reason: "no tick completed in the \(Self.format(waited)) s since start; "
                    + "a tick is due every \(Self.format(healthPolicy.interval)) s")
            }
            return HealthStatus(healthy: true, reason: "ok (starting, no tick yet)")
        }
        let gap = now - lastTickAt
        if gap > limit {
            return HealthStatus(healthy: false, reason: "last tick \(Self.format(gap)) s ago; a tick is due every "
                + "\(Self.format(healthPolicy.interval)) s (unhealthy after \(Self.format(limit)) s)")
        }
        return HealthStatus(healthy: true, reason: "ok")
    }

    /// The values `/metrics` renders, as one consistent copy.
    public func metricsSnapshot() -> MetricsSnapshot {
        MetricsSnapshot(version: BallastBuild.version, health: health(), ticks: ticks, lateTicks: lateTicks,
                        tickDuration: tickDuration, stageFailures: stageFailures, events: eventSink.current(),
                        host: host, vms: vmSeries, backendSampled: backendSampled, backend: backend,
                        heap: heap(), ksm: ksm, virtioMem: latest?.virtioMem ?? [:])
    }

    /// The latest report as recorded, for tools that need all of it.
    public func latestReport() -> TickReport? { latest }

    /// The `/v1/state` document.
    public func stateDocument() -> StateDocument {
        var document: StateDocument
        if let report = latest {
            document = StateDocumentBuilder.build(report: report, host: host, health: health(),
                                                  interval: healthPolicy.interval,
                                                  lastChanges: history.mapValues(\.lastChange))
        } else {
            document = StateDocument(version: BallastBuild.version, health: health(),
                                     intervalSeconds: healthPolicy.interval, tick: nil, time: nil, emergency: false,
                                     host: nil, stages: [], vms: [])
        }
        document.backend = backend.map(BackendDocument.init)
        document.ksm = ksm.map(KSMDocument.init)
        return document
    }

    private func updateHistory(_ report: TickReport) {
        var present = Set<VMID>()
        present.reserveCapacity(report.snapshot.vms.count + report.unbalanced.count)
        for vm in report.snapshot.vms {
            present.insert(vm.id)
            touch(vm.id, name: vm.name)
        }
        for vm in report.unbalanced {
            present.insert(vm.id)
            touch(vm.id, name: vm.name)
        }
        for applied in report.applied {
            let id = applied.change.vm
            guard present.contains(id) else { continue }
            history[id]?.changes.count(applied.change.kind, outcome: applied.outcome)
            history[id]?.lastChange = LastChange(applied, tick: report.snapshot.tick, time: report.snapshot.time)
        }
        if history.count > present.count {
            history = history.filter { present.contains($0.key) }
        }
    }

    private func touch(_ id: VMID, name: String) {
        if history[id] == nil {
            history[id] = VMHistory(id: id, name: name)
        } else {
            history[id]?.rename(name, id: id)
        }
    }

    private func buildSeries(_ report: TickReport) -> [VMSeries] {
        let governed = report.decision.vms
        let aligned = governed.count == report.snapshot.vms.count
        var governedByID: [VMID: GovernedVM] = [:]
        var series: [VMSeries] = []
        series.reserveCapacity(report.snapshot.vms.count + report.unbalanced.count)
        for (index, vm) in report.snapshot.vms.enumerated() {
            var final: VMAllocation?
            if aligned, governed[index].id == vm.id {
                final = governed[index].final
            } else {
                if governedByID.isEmpty { governedByID = Dictionary(governed.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }) }
                final = governedByID[vm.id]?.final
            }
            guard let past = history[vm.id] else { continue }
            series.append(VMSeries(id: vm.id, name: vm.name, labels: past.labels, demand: vm.estimate.demand,
                                   allocation: final ?? vm.current, confidence: vm.estimate.confidence,
                                   memoryFloor: vm.spec.floor.memory, current: vm.current, changes: past.changes,
                                   deflatesOnOOM: vm.spec.balloonDeflatesOnOOM, hostFootprint: vm.hostFootprint))
        }
        for vm in report.unbalanced {
            guard let past = history[vm.id] else { continue }
            series.append(VMSeries(id: vm.id, name: vm.name, labels: past.labels, demand: nil, allocation: nil,
                                   confidence: nil, current: vm.current, changes: past.changes,
                                   deflatesOnOOM: vm.spec.balloonDeflatesOnOOM, hostFootprint: vm.memory.hostFootprint))
        }
        return series
    }

    private static func hostSeries(_ report: TickReport) -> HostSeries {
        let snapshot = report.snapshot
        var ceilingCPU = 0
        var ceilingMemory: Double = 0
        for vm in snapshot.vms {
            ceilingCPU += vm.spec.ceiling.cpu
            ceilingMemory += Double(vm.spec.ceiling.memory)
        }
        for vm in report.unbalanced where vm.state == .running || vm.state == .paused {
            ceilingCPU += vm.spec.ceiling.cpu
            ceilingMemory += Double(vm.spec.ceiling.memory)
        }
        let capacity = snapshot.host.capacity
        return HostSeries(
            capacity: capacity, guestCapacity: snapshot.guestCapacity,
            memoryAvailable: snapshot.host.memoryAvailable,
            cpuPressure: snapshot.host.cpuPressure, memoryPressure: snapshot.host.memoryPressure,
            cpuOvercommit: capacity.cpu > 0 ? Double(ceilingCPU) / Double(capacity.cpu) : 0,
            memoryOvercommit: capacity.memory > 0 ? ceilingMemory / Double(capacity.memory) : 0,
            emergency: report.decision.emergency,
            balancedVMs: snapshot.vms.count, unbalancedVMs: report.unbalanced.count)
    }

    private static func format(_ seconds: Double) -> String {
        let tenths = (seconds * 10).rounded()
        return String(tenths / 10)
    }
}
