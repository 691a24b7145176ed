/// What a backend saw on the host at one instant: capacity for guests, free
/// memory, and pressure where the kernel reports it. Raw, not interpreted.
public struct HostSample: Sendable, Hashable, Codable {
    /// Monotonic time of the sample, seconds (simulated time in the simulator).
    public var time: Double
    /// Online CPUs × 1000 and physical memory.
    public var capacity: ResourceVector
    /// Memory the host could still hand out (`MemAvailable`).
    public var memoryAvailable: UInt64
    public var cpuPressure: PressureSample?
    public var memoryPressure: PressureSample?
    /// Wall-clock time of the sample, seconds since 1970 UTC, for what repeats by time of
    /// day (prediction); nil where there is none (the simulator: its clock starts with the traces).
    public var wallClock: Double?

    public init(time: Double, capacity: ResourceVector, memoryAvailable: UInt64,
                cpuPressure: PressureSample? = nil, memoryPressure: PressureSample? = nil, wallClock: Double? = nil) {
        self.time = time
        self.capacity = capacity
        self.memoryAvailable = memoryAvailable
        self.cpuPressure = cpuPressure
        self.memoryPressure = memoryPressure
        self.wallClock = wallClock
    }
}

/// Cumulative CPU counters of one VM. Everything is a running total, so the
/// estimator works on deltas between two samples; `nil` means "not reported".
public struct CPUCounters: Sendable, Hashable, Codable {
    /// Total CPU time consumed by the VM, nanoseconds (libvirt `cpu.time`, cgroup usage).
    public var usageNanos: UInt64
    /// CFS bandwidth periods elapsed and periods throttled (cgroup `cpu.stat`).
    public var periods: UInt64?
    public var throttledPeriods: UInt64?
    /// Time throttled by the quota, nanoseconds.
    public var throttledNanos: UInt64?
    /// Time vCPUs were runnable but waiting for a host CPU, nanoseconds (sum of `vcpu.N.delay`).
    public var runDelayNanos: UInt64?
    /// cgroup `cpu.pressure`.
    public var pressure: PressureSample?

    public init(usageNanos: UInt64, periods: UInt64? = nil, throttledPeriods: UInt64? = nil,
                throttledNanos: UInt64? = nil, runDelayNanos: UInt64? = nil, pressure: PressureSample? = nil) {
        self.usageNanos = usageNanos
        self.periods = periods
        self.throttledPeriods = throttledPeriods
        self.throttledNanos = throttledNanos
        self.runDelayNanos = runDelayNanos
        self.pressure = pressure
    }
}

/// The guest's own memory report through the virtio balloon (libvirt
/// `balloon.*`), in bytes, plus cumulative paging counters. All optional because
/// a guest without the balloon driver reports none of them.
public struct BalloonStats: Sendable, Hashable, Codable {
    /// Memory the guest can see (balloon size), `balloon.available`.
    public var available: UInt64?
    /// Completely free memory in the guest, `balloon.unused`.
    public var unused: UInt64?
    /// Memory available without swapping (free + reclaimable), `balloon.usable`.
    public var usable: UInt64?
    /// Page cache the guest could drop, `balloon.disk_caches`.
    public var diskCaches: UInt64?
    /// Cumulative bytes swapped in and out by the guest.
    public var swapIn: UInt64?
    public var swapOut: UInt64?
    /// Cumulative major and minor page faults.
    public var majorFaults: UInt64?
    public var minorFaults: UInt64?
    /// Guest time of the last statistics update, seconds; a stale value means the guest stopped reporting.
    public var lastUpdate: Double?

    public init(available: UInt64? = nil, unused: UInt64? = nil, usable: UInt64? = nil, diskCaches: UInt64? = nil,
                swapIn: UInt64? = nil, swapOut: UInt64? = nil, majorFaults: UInt64? = nil,
                minorFaults: UInt64? = nil, lastUpdate: Double? = nil) {
        self.available = available
        self.unused = unused
        self.usable = usable
        self.diskCaches = diskCaches
        self.swapIn = swapIn
        self.swapOut = swapOut
        self.majorFaults = majorFaults
        self.minorFaults = minorFaults
        self.lastUpdate = lastUpdate
    }

    /// Whether the guest reports enough to know its used memory.
    public var reportsUsage: Bool { available != nil && (unused != nil || usable != nil) }
}

/// Host-side memory view of one VM (what the hypervisor process holds).
public struct MemoryCounters: Sendable, Hashable, Codable {
    /// Resident memory of the VM's process or cgroup, bytes.
    public var rss: UInt64?
    /// Guest-reported balloon statistics, when the driver is present.
    public var balloon: BalloonStats?
    /// cgroup `memory.pressure`.
    public var pressure: PressureSample?

    public init(rss: UInt64? = nil, balloon: BalloonStats? = nil, pressure: PressureSample? = nil) {
        self.rss = rss
        self.balloon = balloon
        self.pressure = pressure
    }
}

/// Everything a backend knows about one VM at one instant: identity, the
/// operator's spec, what is currently applied, raw counters, and notes on what
/// could not be read (each note lowers the estimate's confidence and says why).
public struct VMSample: Sendable, Hashable, Codable {
    public var id: VMID
    public var name: String
    public var state: VMRunState
    public var spec: VMSpec
    /// What is applied right now (balloon size, vCPUs, weight, quota as millicores).
    public var current: VMAllocation
    public var cpu: CPUCounters?
    public var memory: MemoryCounters
    /// Problems met while sampling, e.g. "cgroup cpu.stat unreadable: permission denied".
    public var sampleNotes: [String]
    /// The memory target set last where the balloon has not reached it yet (a balloon
    /// moves in seconds); nil once it has, or where a resize is done at once.
    public var memoryTarget: UInt64?

    public init(id: VMID, name: String, state: VMRunState, spec: VMSpec, current: VMAllocation,
                cpu: CPUCounters?, memory: MemoryCounters, sampleNotes: [String] = [], memoryTarget: UInt64? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.spec = spec
        self.current = current
        self.cpu = cpu
        self.memory = memory
        self.sampleNotes = sampleNotes
        self.memoryTarget = memoryTarget
    }
}

/// One backend sample of the whole host.
public struct HostSnapshot: Sendable, Hashable, Codable {
    public var host: HostSample
    public var vms: [VMSample]

    public init(host: HostSample, vms: [VMSample]) {
        self.host = host
        self.vms = vms
    }
}
