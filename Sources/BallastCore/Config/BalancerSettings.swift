/// How the estimator turns counters into demand. Times in seconds.
public struct EstimatorSettings: Sendable, Hashable, Codable {
    /// Half-life of the estimate when demand rises; 0 follows a rise at once.
    public var riseHalfLife: Double
    /// Half-life when demand falls: slow, so a brief lull does not give memory away.
    public var fallHalfLife: Double
    /// When usage is censored (throttled, swapping), demand is at least usage × this.
    public var probeFactor: Double

    public init(riseHalfLife: Double = 0, fallHalfLife: Double = 120, probeFactor: Double = 1.25) {
        self.riseHalfLife = riseHalfLife
        self.fallHalfLife = fallHalfLife
        self.probeFactor = probeFactor
    }
}

/// How the fair-share allocator divides the host.
public struct AllocatorSettings: Sendable, Hashable, Codable {
    /// ESX idle memory tax rate (0...1): idle memory costs this much more than active memory under contention.
    public var idleMemoryTax: Double

    public init(idleMemoryTax: Double = 0.75) {
        self.idleMemoryTax = idleMemoryTax
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
    /// Smallest CPU quota change worth applying, millicores.
    public var minCPUChange: Int
    /// Seconds between two vCPU hot-plug changes of one VM.
    public var vcpuCooldown: Double
    /// Host memory available below this fraction of capacity triggers emergency mode.
    public var emergencyFreeFraction: Double
    /// Compute and report, never apply.
    public var dryRun: Bool

    public init(memoryMarginBytes: UInt64 = .mebibytes(64), memoryMarginFraction: Double = 0.1,
                maxShrinkFraction: Double = 0.1, minMemoryChange: UInt64 = .mebibytes(16),
                minCPUChange: Int = 50, vcpuCooldown: Double = 60, emergencyFreeFraction: Double = 0.03,
                dryRun: Bool = false) {
        self.memoryMarginBytes = memoryMarginBytes
        self.memoryMarginFraction = memoryMarginFraction
        self.maxShrinkFraction = maxShrinkFraction
        self.minMemoryChange = minMemoryChange
        self.minCPUChange = minCPUChange
        self.vcpuCooldown = vcpuCooldown
        self.emergencyFreeFraction = emergencyFreeFraction
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
