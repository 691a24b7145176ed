/// Turns each VM's raw counters into a demand estimate. Stateful: it keeps the
/// previous counters (to compute rates) and the smoothed estimate per VM.
/// Owned by one loop; value semantics make a simulator run reproducible.
///
/// FIRST CUT (to be replaced by the full estimator): usage-based, no probing.
public struct Estimator: Sendable {
    public var settings: EstimatorSettings
    private var previous: [VMID: (time: Double, cpuNanos: UInt64)] = [:]

    public init(settings: EstimatorSettings = .init()) {
        self.settings = settings
    }

    /// Estimates one VM's demand at `time` (seconds, the host sample's clock).
    public mutating func estimate(_ vm: VMSample, at time: Double) -> DemandEstimate {
        var cpu = vm.current.cpu
        if let counters = vm.cpu, let last = previous[vm.id], time > last.time, counters.usageNanos >= last.cpuNanos {
            cpu = Int(Double(counters.usageNanos - last.cpuNanos) / (time - last.time) / 1e6)
        }
        if let counters = vm.cpu { previous[vm.id] = (time, counters.usageNanos) }
        var used: UInt64?
        if let b = vm.memory.balloon, let available = b.available, let unused = b.unused {
            used = available > unused ? available - unused : 0
        }
        let memory = used ?? vm.current.memory
        return DemandEstimate(
            demand: ResourceVector(cpu: cpu, memory: memory), guestUsedMemory: used,
            memoryActiveFraction: vm.current.memory > 0 ? min(1, Double(memory) / Double(vm.current.memory)) : 1,
            confidence: used == nil ? 0.5 : 1, signals: [])
    }

    /// Drops history of VMs that are gone.
    public mutating func retain(only ids: Set<VMID>) {
        previous = previous.filter { ids.contains($0.key) }
    }
}
