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

    /// The statistics as Ballast counts them for a guest whose balloon deflates on OOM.
    /// Such a guest keeps its balloon's pages in MemTotal (they stay usable to it in an
    /// emergency), so `available` stays at the full size however far the balloon inflates,
    /// and MemTotal − MemAvailable counts the balloon as used: a guest squeezed to 150 of
    /// 384 MiB reported 266 MiB used, of which 234 were the balloon. Capping `available`
    /// at the balloon's size takes those pages out again.
    public func countingBalloonOut(balloonSize: UInt64) -> BalloonStats {
        var counted = self
        if let available, available > balloonSize { counted.available = balloonSize }
        return counted
    }

    /// The statistics as they would read with `delta` bytes more (or fewer) memory, all of
    /// it free: what a virtio-mem device plugged (or unplugged) after the guest's report.
    /// Plugged blocks arrive free and unplugged ones leave free, but the domain's size
    /// counts them at once: against a report that does not, they read as used memory
    /// (a 128 MiB plug read as 128 MiB more used, and Ballast grew the guest again).
    public func changingFreeMemory(by delta: Int64) -> BalloonStats {
        guard delta != 0 else { return self }
        func shifted(_ value: UInt64?) -> UInt64? {
            value.map { delta >= 0 ? $0 &+ UInt64(delta) : ($0 > delta.magnitude ? $0 - delta.magnitude : 0) }
        }
        var changed = self
        changed.available = shifted(available)
        changed.unused = shifted(unused)
        changed.usable = shifted(usable)
        return changed
    }
}

/// Host-side memory view of one VM (what the hypervisor process holds).
public struct MemoryCounters: Sendable, Hashable, Codable {
    /// Resident memory of the VM's process or cgroup, bytes.
    public var rss: UInt64?
    /// Guest-reported balloon statistics, when the driver is present.
    public var balloon: BalloonStats?
    /// cgroup `memory.pressure`.
    public var pressure: PressureSample?
    /// What the VM holds in host memory: its machine cgroup's usage without page cache
    /// (v1 `memory.usage_in_bytes` − `total_cache`, v2 `memory.current` − `file`), else its
    /// anonymous memory, else QEMU's RSS. Below the balloon where the guest gives freed
    /// pages back (free page reporting) or never touched them.
    public var hostFootprint: UInt64?

    public init(rss: UInt64? = nil, balloon: BalloonStats? = nil, pressure: PressureSample? = nil,
                hostFootprint: UInt64? = nil) {
        self.rss = rss
        self.balloon = balloon
        self.pressure = pressure
        self.hostFootprint = hostFootprint
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
    /// The balloon target Ballast set that the guest has deflated past by itself
    /// (deflate-on-OOM: it ran out of memory first); nil when it has not.
    public var selfDeflatedFrom: UInt64?
    /// The VM's virtio-mem device, where it has one Ballast resizes.
    public var virtioMem: VirtioMemState?

    public init(id: VMID, name: String, state: VMRunState, spec: VMSpec, current: VMAllocation,
                cpu: CPUCounters?, memory: MemoryCounters, sampleNotes: [String] = [], memoryTarget: UInt64? = nil,
                selfDeflatedFrom: UInt64? = nil, virtioMem: VirtioMemState? = nil) {
        self.id = id
        self.name = name
        self.state = state
        self.spec = spec
        self.current = current
        self.cpu = cpu
        self.memory = memory
        self.sampleNotes = sampleNotes
        self.memoryTarget = memoryTarget
        self.selfDeflatedFrom = selfDeflatedFrom
        self.virtioMem = virtioMem
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
