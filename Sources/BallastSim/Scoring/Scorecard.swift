/// What one policy achieved, summed over ticks and VMs (and over hosts with
/// `merge`). Ratios are derived at the end so that hosts add up exactly.
public struct Scorecard: Sendable, Hashable {
    public var cpuDemand = 0.0
    public var cpuUnmet = 0.0
    public var memoryDemand = 0.0
    public var memoryUnmet = 0.0
    public var memoryAllocated = 0.0
    public var memoryIdle = 0.0
    public var cpuAllocated = 0.0
    public var cpuIdle = 0.0
    public var fairnessSum = 0.0
    public var fairnessCount = 0
    /// The memory-only part of `fairnessSum`/`fairnessCount` (the rest is CPU).
    public var memoryFairnessSum = 0.0
    public var memoryFairnessCount = 0
    public var changes = 0
    /// The balloon part of `changes`.
    public var memoryChanges = 0
    public var bytesBallooned = 0.0
    public var vmSeconds = 0.0
    /// Reaction to memory steps, and to CPU steps (detected under the `quota` model only).
    public var memoryReaction = ReactionScore()
    public var cpuReaction = ReactionScore()

    public init() {}

    public mutating func merge(_ other: Scorecard) {
        cpuDemand += other.cpuDemand
        cpuUnmet += other.cpuUnmet
        memoryDemand += other.memoryDemand
        memoryUnmet += other.memoryUnmet
        memoryAllocated += other.memoryAllocated
        memoryIdle += other.memoryIdle
        cpuAllocated += other.cpuAllocated
        cpuIdle += other.cpuIdle
        fairnessSum += other.fairnessSum
        fairnessCount += other.fairnessCount
        memoryFairnessSum += other.memoryFairnessSum
        memoryFairnessCount += other.memoryFairnessCount
        changes += other.changes
        memoryChanges += other.memoryChanges
        bytesBallooned += other.bytesBallooned
        vmSeconds += other.vmSeconds
        memoryReaction.merge(other.memoryReaction)
        cpuReaction.merge(other.cpuReaction)
    }

    /// Unmet CPU demand / CPU demand.
    public var cpuShortfall: Double { cpuDemand > 0 ? cpuUnmet / cpuDemand : 0 }
    /// Unmet memory demand (swapped by the guest or by the host) / memory demand.
    public var memoryShortfall: Double { memoryDemand > 0 ? memoryUnmet / memoryDemand : 0 }
    /// Memory allocated but unused / memory allocated (the `slack` of the JSON).
    public var slack: Double { memoryAllocated > 0 ? memoryIdle / memoryAllocated : 0 }
    /// CPU entitlement unused / entitlement.
    public var cpuSlack: Double { cpuAllocated > 0 ? cpuIdle / cpuAllocated : 0 }
    /// Mean Jain's index over contended (host, tick, resource) triples; 1 without contention.
    public var fairness: Double { fairnessCount > 0 ? fairnessSum / Double(fairnessCount) : 1 }
    /// Fairness over memory-contended ticks only.
    public var memoryFairness: Double { memoryFairnessCount > 0 ? memoryFairnessSum / Double(memoryFairnessCount) : 1 }
    /// Fairness over CPU-contended ticks only.
    public var cpuFairness: Double {
        let count = fairnessCount - memoryFairnessCount
        return count > 0 ? (fairnessSum - memoryFairnessSum) / Double(count) : 1
    }
    public var changesPerVMHour: Double { vmSeconds > 0 ? Double(changes) / (vmSeconds / 3600) : 0 }
    public var memoryChangesPerVMHour: Double { vmSeconds > 0 ? Double(memoryChanges) / (vmSeconds / 3600) : 0 }
    /// Both resources' steps together (the JSON's `reaction_p50_ticks`, kept for
    /// compatibility; a memory-only policy scores the censoring limit on CPU steps there).
    public var reactionP50: Double { Self.percentile(memoryReaction.ticks + cpuReaction.ticks, 0.5) }
    public var reactionP99: Double { Self.percentile(memoryReaction.ticks + cpuReaction.ticks, 0.99) }

    /// Nearest-rank percentile; 0 for no samples.
    static func percentile(_ values: [Int], _ fraction: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let rank = Int((fraction * Double(sorted.count)).rounded(.up))
        return Double(sorted[min(max(rank, 1), sorted.count) - 1])
    }
}

/// Per-tick sums over all VMs (and hosts), for the report's plots.
public struct TickSeries: Sendable, Hashable {
    public var memoryUnmet: [Double]
    public var memoryDemand: [Double]
    public var memoryAllocated: [Double]
    public var memoryIdle: [Double]
    public var cpuUnmet: [Double]
    public var cpuDemand: [Double]

    public init(ticks: Int) {
        let zeros = [Double](repeating: 0, count: ticks)
        memoryUnmet = zeros
        memoryDemand = zeros
        memoryAllocated = zeros
        memoryIdle = zeros
        cpuUnmet = zeros
        cpuDemand = zeros
    }

    public mutating func merge(_ other: TickSeries) {
        for index in memoryUnmet.indices where index < other.memoryUnmet.count {
            memoryUnmet[index] += other.memoryUnmet[index]
            memoryDemand[index] += other.memoryDemand[index]
            memoryAllocated[index] += other.memoryAllocated[index]
            memoryIdle[index] += other.memoryIdle[index]
            cpuUnmet[index] += other.cpuUnmet[index]
            cpuDemand[index] += other.cpuDemand[index]
        }
    }
}

/// Demand and allocation of one VM over time under one policy, for the report: memory
/// as the balloon target, CPU as what the host ran (a cap shows only where it bites, and
/// by weight the share is no cap at all).
public struct VMSeries: Sendable, Hashable {
    public var name: String
    public var memoryDemand: [Double] = []
    public var memoryAllocation: [Double] = []
    public var cpuDemand: [Double] = []
    /// Millicores the host ran for the VM.
    public var cpuRun: [Double] = []

    public init(name: String) {
        self.name = name
    }
}
