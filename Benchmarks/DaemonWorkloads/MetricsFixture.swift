import BallastCore
import BallastMetrics

/// Synthetic VMs with realistic names, labels and values.
public enum MetricsFixture {
    public static func uuid(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return "6f1c2a3b-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    public static func snapshot(vms count: Int) -> MetricsSnapshot {
        var changes = ChangeCounts()
        changes.count(.memory, outcome: .applied)
        changes.count(.cpuQuota, outcome: .failed("refused"))
        let vms = (0..<count).map { index in
            VMSeries(id: VMID(uuid(index)), name: "instance-\(index)",
                     labels: PrometheusText.vmLabels(name: "instance-\(index)", uuid: uuid(index)),
                     demand: ResourceVector(cpu: 1250 + index % 700, memory: .mebibytes(UInt64(1024 + index % 4096))),
                     allocation: VMAllocation(memory: .mebibytes(2048), cpu: 1500, vcpus: 2, cpuWeight: .standard),
                     confidence: 0.8125,
                     current: VMAllocation(memory: .mebibytes(2048 + UInt64(index % 64)), cpu: 1500 + index % 300,
                                           vcpus: 2, cpuWeight: .standard),
                     changes: changes)
        }
        let host = HostSeries(capacity: ResourceVector(cpu: 128_000, memory: .gibibytes(1024)),
                              guestCapacity: ResourceVector(cpu: 126_000, memory: .gibibytes(1000)),
                              memoryAvailable: .gibibytes(100),
                              cpuPressure: PressureSample(someAvg10: 3.2, someTotalMicros: 10),
                              memoryPressure: PressureSample(someAvg10: 0.4, fullAvg10: 0.1, someTotalMicros: 5),
                              cpuOvercommit: 2.5, memoryOvercommit: 1.4, emergency: false,
                              balancedVMs: count, unbalancedVMs: 0)
        var tickDuration = Histogram()
        for index in 0..<100 { tickDuration.observe(Double(index) / 1000) }
        return MetricsSnapshot(version: BallastBuild.version, health: HealthStatus(healthy: true, reason: "ok"),
                               ticks: 100, lateTicks: 1, tickDuration: tickDuration, stageFailures: [:],
                               events: EventTallies(), host: host, vms: vms)
    }

    public static func report(vms count: Int) -> TickReport {
        let views = (0..<count).map { index in
            VMView(id: VMID(uuid(index)), name: "instance-\(index)",
                   spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(4)), maxVCPUs: 4),
                   current: VMAllocation(memory: .gibibytes(2), cpu: 1500, vcpus: 2, cpuWeight: .standard),
                   estimate: DemandEstimate(demand: ResourceVector(cpu: 1200, memory: .gibibytes(1)),
                                            guestUsedMemory: .mebibytes(900), memoryActiveFraction: 0.5,
                                            confidence: 0.9, signals: []),
                   hasBalloonStats: true)
        }
        let host = HostSample(time: 0, capacity: ResourceVector(cpu: 128_000, memory: .gibibytes(1024)),
                              memoryAvailable: .gibibytes(100))
        let snapshot = TickSnapshot(tick: 1, time: 0, host: host,
                                    guestCapacity: ResourceVector(cpu: 126_000, memory: .gibibytes(1000)), vms: views)
        let governed = views.map { GovernedVM(id: $0.id, proposed: $0.current, final: $0.current, clamps: []) }
        let applied = views.prefix(count / 10).map {
            AppliedChange(change: Change(vm: $0.id, vmName: $0.name, .memory(from: 2048, to: 1900),
                                         reason: "shrink"), outcome: .applied)
        }
        return TickReport(snapshot: snapshot, unbalanced: [], proposal: .keepCurrent(snapshot), stages: [],
                          decision: GovernorDecision(changes: applied.map(\.change), vms: governed, emergency: false),
                          applied: AppliedChanges(Array(applied)))
    }
}
