import BallastCore

/// Host-wide values of the latest tick, in Ballast's units.
public struct HostSeries: Sendable, Hashable {
    public var capacity: ResourceVector
    public var guestCapacity: ResourceVector
    public var memoryAvailable: UInt64
    public var cpuPressure: PressureSample?
    public var memoryPressure: PressureSample?
    /// Sum of the VMs' ceilings over the host's capacity, per resource.
    public var cpuOvercommit: Double
    public var memoryOvercommit: Double
    public var emergency: Bool
    public var balancedVMs: Int
    public var unbalancedVMs: Int

    public init(capacity: ResourceVector, guestCapacity: ResourceVector, memoryAvailable: UInt64,
                cpuPressure: PressureSample?, memoryPressure: PressureSample?, cpuOvercommit: Double,
                memoryOvercommit: Double, emergency: Bool, balancedVMs: Int, unbalancedVMs: Int) {
        self.capacity = capacity
        self.guestCapacity = guestCapacity
        self.memoryAvailable = memoryAvailable
        self.cpuPressure = cpuPressure
        self.memoryPressure = memoryPressure
        self.cpuOvercommit = cpuOvercommit
        self.memoryOvercommit = memoryOvercommit
        self.emergency = emergency
        self.balancedVMs = balancedVMs
        self.unbalancedVMs = unbalancedVMs
    }

    /// What the host keeps for itself: capacity minus what guests may get.
    public var reserve: ResourceVector {
        ResourceVector(cpu: max(0, capacity.cpu - guestCapacity.cpu),
                       memory: capacity.memory > guestCapacity.memory ? capacity.memory - guestCapacity.memory : 0)
    }
}

/// Everything `/metrics` shows, as one immutable value: taken from the state
/// actor in a moment and rendered outside it, so scrapes never hold up ticks.
public struct MetricsSnapshot: Sendable {
    public var version: String
    public var health: HealthStatus
    public var ticks: UInt64
    public var lateTicks: UInt64
    public var tickDuration: Histogram
    public var stageFailures: [String: UInt64]
    public var events: EventTallies
    public var host: HostSeries?
    public var vms: [VMSeries]
    /// Whether the last tick sampled the backend; `nil` before the first tick.
    public var backendSampled: Bool?
    /// Which hypervisor is balanced (`ballast_backend_info`).
    public var backend: BackendIdentity?
    /// The daemon's own heap when the snapshot was taken; `nil` where unknown.
    public var heap: HeapUsage?
    /// KSM after the last tick; `nil` where Ballast does not look at it.
    public var ksm: KSMStatus?
    /// The virtio-mem devices of the last tick's VMs that have one (most hosts: none).
    public var virtioMem: [VMID: VirtioMemState]

    public init(version: String, health: HealthStatus, ticks: UInt64, lateTicks: UInt64, tickDuration: Histogram,
                stageFailures: [String: UInt64], events: EventTallies, host: HostSeries?, vms: [VMSeries],
                backendSampled: Bool? = nil, backend: BackendIdentity? = nil, heap: HeapUsage? = nil,
                ksm: KSMStatus? = nil, virtioMem: [VMID: VirtioMemState] = [:]) {
        self.virtioMem = virtioMem
        self.version = version
        self.health = health
        self.ticks = ticks
        self.lateTicks = lateTicks
        self.tickDuration = tickDuration
        self.stageFailures = stageFailures
        self.events = events
        self.host = host
        self.vms = vms
        self.backendSampled = backendSampled
        self.backend = backend
        self.heap = heap
        self.ksm = ksm
    }

    /// Whether the backend answers: down when the last tick could not sample it
    /// or the backend reported its connection lost; `nil` while neither is known.
    public var backendUp: Bool? {
        if events.backendUp == nil, backendSampled == nil { return nil }
        return (events.backendUp ?? true) && (backendSampled ?? true)
    }
}
