import BallastCore

/// How a simulated host divides CPU among its VMs (see docs/simulator.md).
public enum CPUModel: String, Sendable, CaseIterable {
    /// Allocations are enforced entitlements: each VM is capped at its
    /// allocated CPU (CFS bandwidth quota, as ESX limits or Nova's
    /// `quota:cpu_quota` do), then the host shares what is wanted by weight.
    case quota
    /// No caps but vCPUs: the host divides CPU work-conservingly by CFS weight.
    case cfs
}

/// The physical host VMs are packed onto, and the knobs of the observation model.
public struct HostConfig: Sendable, Hashable {
    /// Online cores.
    public var cpus: Int
    /// Physical memory, bytes.
    public var memory: UInt64
    public var cpuModel: CPUModel
    /// Fraction of a guest's free memory that its page cache fills (reported as
    /// `disk_caches`, resident on the host).
    public var guestCacheFraction: Double
    /// Fraction per second of a guest's swapped-out working set it touches
    /// again (swap-ins and major faults while memory is short).
    public var refaultRate: Double
    /// virtio-mem, free page reporting and KSM, as far as they are modelled.
    public var memoryMechanisms: MemoryMechanismModel

    public init(cpus: Int = 64, memory: UInt64 = .gibibytes(256), cpuModel: CPUModel = .quota,
                guestCacheFraction: Double = 0.5, refaultRate: Double = 0.05,
                memoryMechanisms: MemoryMechanismModel = MemoryMechanismModel()) {
        self.cpus = cpus
        self.memory = memory
        self.cpuModel = cpuModel
        self.guestCacheFraction = guestCacheFraction
        self.refaultRate = refaultRate
        self.memoryMechanisms = memoryMechanisms
    }

    public var capacity: ResourceVector { ResourceVector(cpu: cpus * 1000, memory: memory) }

    /// CFS bandwidth period, seconds (the kernel default, 100 ms).
    static let cfsPeriod: Double = 0.1
    /// Guest page size for fault counts.
    static let pageSize: Double = 4096
}
