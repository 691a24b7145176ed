import BallastCore
import BallastMetrics
import Synchronization

/// A clock the test moves by hand, so health can be checked without sleeping.
public final class ManualClock: SecondsClock {
    private let seconds = Mutex<Double>(0)

    public init() {}

    public func now() -> Double { seconds.withLock { $0 } }

    public func advance(_ delta: Double) {
        seconds.withLock { $0 += delta }
    }
}

/// Builds synthetic `TickReport`s: `count` balanced VMs with names from `names`
/// (then "vm-N"), each with a demand, a governed change and one applied change.
public enum Fixtures {
    public static let awkwardNames = [
        "web \"front\"",
        #"back\slash\"#,
        "multi\nline",
        "Ünïcødé-虚拟机-🚀",
    ]

    public static func uuid(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return "00000000-0000-4000-8000-" + String(repeating: "0", count: 12 - hex.count) + hex
    }

    public static func view(_ index: Int, name: String) -> VMView {
        let spec = VMSpec(cpuShares: .standard, reservation: ResourceVector(cpu: 250, memory: .mebibytes(256)),
                          floor: ResourceVector(cpu: 100, memory: .mebibytes(512)),
                          ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(4)), maxVCPUs: 4)
        let current = VMAllocation(memory: .gibibytes(2), cpu: 1500 + index, vcpus: 2, cpuWeight: .standard)
        let estimate = DemandEstimate(
            demand: ResourceVector(cpu: 1250 + index, memory: .gibibytes(1) + UInt64(index) * .mebibytes(1)),
            guestUsedMemory: .mebibytes(900), memoryActiveFraction: 0.6, confidence: 0.875,
            signals: [Signal(name: "cpu.usage", value: 1.25, note: "cores used over the last tick"),
                      Signal(name: "cpu.throttled", value: 0.1, note: "10 % of periods throttled")])
        return VMView(id: VMID(uuid(index)), name: name, spec: spec, current: current, estimate: estimate,
                      hasBalloonStats: true)
    }

    public static func report(tick: UInt64 = 1, count: Int, names: [String] = [], unbalanced: Int = 0,
                       failedStage: Bool = false) -> TickReport {
        var views: [VMView] = []
        views.reserveCapacity(count)
        for index in 0..<count {
            views.append(view(index, name: index < names.count ? names[index] : "vm-\(index)"))
        }
        let host = HostSample(time: Double(tick) * 2, capacity: ResourceVector(cpu: 16000, memory: .gibibytes(64)),
                              memoryAvailable: .gibibytes(20),
                              cpuPressure: PressureSample(someAvg10: 2.5, someTotalMicros: 1000),
                              memoryPressure: PressureSample(someAvg10: 1.25, fullAvg10: 0.5, someTotalMicros: 500))
        let snapshot = TickSnapshot(tick: tick, time: Double(tick) * 2, host: host,
                                    guestCapacity: ResourceVector(cpu: 15000, memory: .gibibytes(60)), vms: views)
        var entries: [Proposal.Entry] = []
        var governed: [GovernedVM] = []
        var changes: [Change] = []
        for view in views {
            var proposed = view.current
            proposed.memory = .mebibytes(1536)
            entries.append(Proposal.Entry(id: view.id, allocation: proposed, reason: "fair share of memory",
                                          stage: "fair-share"))
            var final = proposed
            final.memory = .mebibytes(1843)
            governed.append(GovernedVM(id: view.id, proposed: proposed, final: final,
                                       clamps: ["memory shrink limited to 10 % per tick"]))
            changes.append(Change(vm: view.id, vmName: view.name, .memory(from: view.current.memory, to: final.memory),
                                  reason: "memory above demand; shrinking at the step limit"))
        }
        let applied = AppliedChanges(changes: changes, results: changes.indices.map { index in
            ChangeResult(index % 5 == 4 ? .failed("balloon refused") : .applied)
        })
        var others: [VMSample] = []
        for index in 0..<unbalanced {
            let id = VMID(uuid(100_000 + index))
            others.append(VMSample(id: id, name: "stopped-\(index)", state: .shutoff,
                                   spec: VMSpec(ceiling: ResourceVector(cpu: 2000, memory: .gibibytes(2)), maxVCPUs: 2),
                                   current: VMAllocation(memory: .gibibytes(2), cpu: 2000, vcpus: 2, cpuWeight: .standard),
                                   cpu: nil, memory: MemoryCounters(), sampleNotes: ["domain is shut off"]))
        }
        let stages = [StageOutcome(stage: "fair-share", result: "ok", seconds: 0.001)]
            + (failedStage ? [StageOutcome(stage: "plugin:\"odd\"", result: "skipped: timeout", seconds: 0.5)] : [])
        return TickReport(snapshot: snapshot, unbalanced: others, proposal: Proposal(entries: entries), stages: stages,
                          decision: GovernorDecision(changes: changes, vms: governed, emergency: false),
                          applied: applied)
    }
}
