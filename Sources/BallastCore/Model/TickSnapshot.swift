/// What one VM looks like to a policy stage: identity, spec, what is applied,
/// and the demand estimate with its signals. Never the true demand.
public struct VMView: Sendable, Hashable, Codable {
    public var id: VMID
    public var name: String
    public var spec: VMSpec
    public var current: VMAllocation
    public var estimate: DemandEstimate
    /// Whether the guest reports balloon statistics (memory is left alone otherwise).
    public var hasBalloonStats: Bool
    /// The memory target the balloon is still moving to (`VMSample.memoryTarget`).
    public var memoryTarget: UInt64?
    /// What the VM holds in host memory (`MemoryCounters.hostFootprint`), where known.
    public var hostFootprint: UInt64?

    public init(id: VMID, name: String, spec: VMSpec, current: VMAllocation, estimate: DemandEstimate,
                hasBalloonStats: Bool, memoryTarget: UInt64? = nil, hostFootprint: UInt64? = nil) {
        self.id = id
        self.name = name
        self.spec = spec
        self.current = current
        self.estimate = estimate
        self.hasBalloonStats = hasBalloonStats
        self.memoryTarget = memoryTarget
        self.hostFootprint = hostFootprint
    }

    /// What the VM holds on the host where the guest reports its free pages there
    /// (`VMSpec.balloonFreePageReporting`), which can be well below its balloon; nil
    /// otherwise: the balloon is then what it holds, or may hold at any moment.
    public var hostHeld: UInt64? { spec.balloonFreePageReporting == true ? hostFootprint : nil }
}

/// The input to every policy stage for one tick: host capacity for guests
/// (after the host reserve), pressure, and one view per balanced VM, sorted by id.
public struct TickSnapshot: Sendable, Hashable, Codable {
    public var tick: UInt64
    public var time: Double
    public var host: HostSample
    /// Capacity the policy may hand to guests: host capacity minus the host reserve.
    public var guestCapacity: ResourceVector
    public var vms: [VMView]
    /// Whether this tick's CPU shares are weights or quotas (`AllocatorSettings.cpuEnforcement`):
    /// says where a VM's share is found in its allocation (`VMAllocation.cpuShare(under:)`).
    public var cpuEnforcement: CPUEnforcement

    public init(tick: UInt64, time: Double, host: HostSample, guestCapacity: ResourceVector, vms: [VMView],
                cpuEnforcement: CPUEnforcement = .weight) {
        self.tick = tick
        self.time = time
        self.host = host
        self.guestCapacity = guestCapacity
        self.vms = vms
        self.cpuEnforcement = cpuEnforcement
    }
}
