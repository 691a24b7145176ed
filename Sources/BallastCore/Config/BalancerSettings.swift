/// How the estimator turns counters into demand. Times in seconds, rates per second.
/// Defaults suit both a 2-s daemon interval and a 10-s simulator tick: smoothing is
/// expressed as half-lives in seconds, not in ticks.
public struct EstimatorSettings: Sendable, Hashable, Codable {
    /// Half-life of the estimate when demand rises; 0 follows a rise at once.
    public var riseHalfLife: Double
    /// Half-life when memory demand falls: slow, so a brief lull does not give memory away.
    public var fallHalfLife: Double
    /// Half-life when CPU demand falls (CPU is cheap to take back, so faster than memory).
    public var cpuFallHalfLife: Double
    /// When CPU usage is censored (throttled, delayed, stalled), demand is at least usage × this.
    public var probeFactor: Double
    /// When memory is censored (swapping, faulting, stalled, full), demand is at least the
    /// current balloon size × this.
    public var memoryProbeFactor: Double
    /// Fraction of CFS periods throttled above which CPU counts as censored.
    public var throttleThreshold: Double
    /// Unmet CPU (throttled time + run-queue delay, millicores) above which CPU counts as censored.
    public var cpuUnmetThreshold: Int
    /// PSI `some` avg10 percent above which a resource counts as stalled.
    public var pressureThreshold: Double
    /// CPU demand = usage × (1 + this): room so that a VM running at its demand is not throttled.
    public var cpuHeadroomFraction: Double
    /// Memory demand = guest used + max(bytes, fraction × used).
    public var memoryHeadroomFraction: Double
    public var memoryHeadroomBytes: UInt64
    /// Guest swap traffic (in + out, bytes per second) above which memory counts as censored.
    public var swapThreshold: Double
    /// Guest major faults per second above which memory counts as censored.
    public var majorFaultThreshold: Double
    /// Guest usable memory below this fraction of its balloon counts as full (censored).
    public var memoryFullFraction: Double
    /// Balloon statistics whose guest timestamp has not moved for this long are stale.
    public var staleStatsAfter: Double
    /// Seconds of the guest's current memory growth added to its demand, so that a
    /// guest filling its memory is grown before it is full: the balloon needs a tick
    /// to be decided and a few seconds to deflate.
    public var memoryGrowthLookahead: Double
    /// The prediction stage: recent history and usual peaks by hour of day (off by default).
    public var prediction = PredictionSettings()

    /// `memoryHeadroomBytes` and `memoryHeadroomFraction` as the rule they make.
    public var memoryHeadroom: MemoryHeadroom {
        MemoryHeadroom(bytes: memoryHeadroomBytes, fraction: memoryHeadroomFraction)
    }

    public init(riseHalfLife: Double = 0, fallHalfLife: Double = 120, cpuFallHalfLife: Double = 60,
                probeFactor: Double = 1.25, memoryProbeFactor: Double = 1.2, throttleThreshold: Double = 0.05,
                cpuUnmetThreshold: Int = 50, pressureThreshold: Double = 10, cpuHeadroomFraction: Double = 0.1,
                memoryHeadroomFraction: Double = 0.1, memoryHeadroomBytes: UInt64 = .mebibytes(64),
                swapThreshold: Double = Double(ByteUnits.mebibyte), majorFaultThreshold: Double = 200,
                memoryFullFraction: Double = 0.05, staleStatsAfter: Double = 60, memoryGrowthLookahead: Double = 15) {
        self.riseHalfLife = riseHalfLife
        self.fallHalfLife = fallHalfLife
        self.cpuFallHalfLife = cpuFallHalfLife
        self.probeFactor = probeFactor
        self.memoryProbeFactor = memoryProbeFactor
        self.throttleThreshold = throttleThreshold
        self.cpuUnmetThreshold = cpuUnmetThreshold
        self.pressureThreshold = pressureThreshold
        self.cpuHeadroomFraction = cpuHeadroomFraction
        self.memoryHeadroomFraction = memoryHeadroomFraction
        self.memoryHeadroomBytes = memoryHeadroomBytes
        self.swapThreshold = swapThreshold
        self.majorFaultThreshold = majorFaultThreshold
        self.memoryFullFraction = memoryFullFraction
        self.staleStatsAfter = staleStatsAfter
        self.memoryGrowthLookahead = memoryGrowthLookahead
    }
}

/// How the fair-share allocator divides the host.
public struct AllocatorSettings: Sendable, Hashable, Codable {
    /// ESX idle memory tax rate (0...1): idle memory costs this much more than active memory under contention.
    public var idleMemoryTax: Double
    /// Hand out what is left after every demand is met, by shares up to each cap
    /// (headroom makes growth free); false leaves it unallocated.
    public var distributeSurplus: Bool
    /// Whether a VM's CPU share is carried by its weight (work-conserving) or also capped
    /// by its quota (`CPUEnforcement`).
    public var cpuEnforcement: CPUEnforcement

    public init(idleMemoryTax: Double = 0.75, distributeSurplus: Bool = true, cpuEnforcement: CPUEnforcement = .weight) {
        self.idleMemoryTax = idleMemoryTax
        self.distributeSurplus = distributeSurplus
        self.cpuEnforcement = cpuEnforcement
    }
}

/// The safety envelope the governor enforces on whatever the policy chain proposed.
public struct GovernorSettings: Sendable, Hashable, Codable {
    /// Memory floor margin above guest-used memory: max(bytes, fraction × used).
    public var memoryMarginBytes: UInt64
    public var memoryMarginFraction: Double
    /// Largest shrink per tick as a fraction of the current balloon size.
    public var maxShrinkFraction: Double
    /// Smallest memory change worth applying (hysteresis), bytes.
    public var minMemoryChange: UInt64
    /// Growth past what a guest needs (used + margin + climb: what the demand's headroom and
    /// the surplus add on top) is spare memory, insurance rather than a need, and is applied
    /// only in steps of at least this fraction of the balloon (and of `minMemoryChange`):
    /// following every small move of the surplus was a change per VM every few minutes.
    public var minGrowthPastNeedFraction: Double
    /// Smallest CPU quota change worth applying, millicores.
    public var minCPUChange: Int
    /// No CPU quota below this, millicores (a quota of 0 would freeze the guest).
    public var minCPU: Int
    /// Seconds between two vCPU hot-plug changes of one VM.
    public var vcpuCooldown: Double
    /// Host memory available below this fraction of capacity triggers emergency mode.
    public var emergencyFreeFraction: Double
    /// In emergency mode, idle VMs (active fraction below `idleActiveFraction`)
    /// shrink by up to this fraction of their balloon per tick (still never below the floor).
    public var emergencyShrinkFraction: Double
    public var idleActiveFraction: Double
    /// Estimates less confident than this never shrink memory (first sample, missing stats).
    public var minShrinkConfidence: Double
    /// Compute and report, never apply.
    public var dryRun: Bool

    public init(memoryMarginBytes: UInt64 = .mebibytes(64), memoryMarginFraction: Double = 0.1,
                maxShrinkFraction: Double = 0.1, minMemoryChange: UInt64 = .mebibytes(16),
                minGrowthPastNeedFraction: Double = 0.05, minCPUChange: Int = 50, minCPU: Int = 100,
                vcpuCooldown: Double = 60, emergencyFreeFraction: Double = 0.03, emergencyShrinkFraction: Double = 0.25,
                idleActiveFraction: Double = 0.5, minShrinkConfidence: Double = 0.25, dryRun: Bool = false) {
        self.memoryMarginBytes = memoryMarginBytes
        self.memoryMarginFraction = memoryMarginFraction
        self.maxShrinkFraction = maxShrinkFraction
        self.minMemoryChange = minMemoryChange
        self.minGrowthPastNeedFraction = minGrowthPastNeedFraction
        self.minCPUChange = minCPUChange
        self.minCPU = minCPU
        self.vcpuCooldown = vcpuCooldown
        self.emergencyFreeFraction = emergencyFreeFraction
        self.emergencyShrinkFraction = emergencyShrinkFraction
        self.idleActiveFraction = idleActiveFraction
        self.minShrinkConfidence = minShrinkConfidence
        self.dryRun = dryRun
    }
}

/// Everything the engine needs besides the backend and the plugin chain.
public struct BalancerSettings: Sendable, Hashable, Codable {
    /// Seconds between ticks.
    public var interval: Double
    /// CPU and memory kept for the host itself, never handed to guests.
    public var hostReserve: ResourceVector
    /// Optional cap on what guests may share in total, below capacity minus reserve
    /// (to run Ballast on part of a host, or to create contention in tests).
    public var guestCapacityLimit: ResourceVector?
    public var estimator: EstimatorSettings
    public var allocator: AllocatorSettings
    public var governor: GovernorSettings
    /// libvirt events, pressure triggers and urgent ticks (`[events]`).
    public var events: EventSettings = EventSettings()

    public init(interval: Double = 2, hostReserve: ResourceVector = ResourceVector(cpu: 500, memory: .gibibytes(1)),
                guestCapacityLimit: ResourceVector? = nil,
                estimator: EstimatorSettings = .init(), allocator: AllocatorSettings = .init(),
                governor: GovernorSettings = .init()) {
        self.interval = interval
        self.hostReserve = hostReserve
        self.guestCapacityLimit = guestCapacityLimit
        self.estimator = estimator
        self.allocator = allocator
        self.governor = governor
    }
}
