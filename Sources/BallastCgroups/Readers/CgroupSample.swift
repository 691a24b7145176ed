import BallastCore

/// CPU accounting of one cgroup: cumulative usage and CFS bandwidth throttling
/// (summed over the domain's own group and its per-vCPU groups, where libvirt
/// puts `vcpu_quota`). `nil` fields were not readable; see the sample's notes.
public struct CgroupCPUStats: Sendable, Hashable {
    public var usageNanos: UInt64?
    public var periods: UInt64?
    public var throttledPeriods: UInt64?
    public var throttledNanos: UInt64?

    public init(usageNanos: UInt64? = nil, periods: UInt64? = nil, throttledPeriods: UInt64? = nil,
                throttledNanos: UInt64? = nil) {
        self.usageNanos = usageNanos
        self.periods = periods
        self.throttledPeriods = throttledPeriods
        self.throttledNanos = throttledNanos
    }
}

/// Memory accounting of one cgroup, bytes: total charged, anonymous (the VM's
/// RAM that is resident) and page cache.
public struct CgroupMemoryStats: Sendable, Hashable {
    public var usage: UInt64?
    public var anonymous: UInt64?
    public var fileCache: UInt64?

    public init(usage: UInt64? = nil, anonymous: UInt64? = nil, fileCache: UInt64? = nil) {
        self.usage = usage
        self.anonymous = anonymous
        self.fileCache = fileCache
    }
}

/// Everything read from one domain's cgroup in one tick, with a note for each
/// file that could not be read or parsed (the estimator lowers confidence).
public struct CgroupSample: Sendable, Hashable {
    public var cpu: CgroupCPUStats
    public var memory: CgroupMemoryStats
    public var cpuPressure: PressureSample?
    public var memoryPressure: PressureSample?
    public var notes: [String]

    public init(cpu: CgroupCPUStats = CgroupCPUStats(), memory: CgroupMemoryStats = CgroupMemoryStats(),
                cpuPressure: PressureSample? = nil, memoryPressure: PressureSample? = nil, notes: [String] = []) {
        self.cpu = cpu
        self.memory = memory
        self.cpuPressure = cpuPressure
        self.memoryPressure = memoryPressure
        self.notes = notes
    }
}
