/// What the operator has said about one VM: its weight, guarantees, caps and
/// safety bounds. Read from the domain XML, Ballast's metadata element and the
/// config file's overrides; the allocator and governor treat it as law.
///
/// - `reservation` is guaranteed under contention (the allocator gives it first).
/// - `limit` caps what the allocator may give (a policy cap, at most `ceiling`).
/// - `floor` is the governor's hard minimum; `ceiling` the hard maximum the VM
///   can physically take (libvirt `<memory>`, maximum vCPUs × 1000).
public struct VMSpec: Sendable, Hashable, Codable {
    /// Relative weight for CPU under contention, also applied as the CFS weight
    /// (libvirt's default is 1024).
    public var cpuShares: CPUWeight
    /// Relative weight for memory under contention.
    public var memoryShares: UInt32
    public var reservation: ResourceVector
    /// Policy cap per resource; `nil` means "up to the ceiling".
    public var cpuLimit: Int?
    public var memoryLimit: UInt64?
    /// Hard minimum the governor never goes below (memory floor also takes
    /// guest-used + margin into account at run time).
    public var floor: ResourceVector
    /// Hard maximum: configured memory size and maximum vCPUs × 1000.
    public var ceiling: ResourceVector
    /// vCPU bounds for hot-plug; `maxVCPUs` is the domain's `<vcpu>` maximum.
    public var minVCPUs: Int
    public var maxVCPUs: Int
    /// Whether the VM's configuration allows vCPU hot-plug at all.
    public var vcpuHotplug: Bool
    /// When true, Ballast observes this VM but never changes it.
    public var optOut: Bool
    /// Whether the guest may take memory back from its balloon before its OOM killer
    /// runs (libvirt `<memballoon autodeflate='on'>`): the safety net if Ballast or the
    /// host is too slow. `nil` where unknown or not applicable (no balloon, the simulator).
    public var balloonDeflatesOnOOM: Bool?
    /// Whether the guest hands pages it frees back to the host at once (libvirt
    /// `<memballoon freePageReporting='on'>`): what it holds on the host then follows its
    /// use, not its balloon. `nil` where unknown or not applicable.
    public var balloonFreePageReporting: Bool?
    /// How its memory is resized; `nil` means the balloon (the default everywhere).
    public var memoryMechanism: MemoryMechanism?

    public static let defaultShares: UInt32 = 1024

    public init(
        cpuShares: CPUWeight = .standard,
        memoryShares: UInt32 = VMSpec.defaultShares,
        reservation: ResourceVector = .zero,
        cpuLimit: Int? = nil,
        memoryLimit: UInt64? = nil,
        floor: ResourceVector = .zero,
        ceiling: ResourceVector,
        minVCPUs: Int = 1,
        maxVCPUs: Int,
        vcpuHotplug: Bool = false,
        optOut: Bool = false
    ) {
        self.cpuShares = cpuShares
        self.memoryShares = memoryShares
        self.reservation = reservation
        self.cpuLimit = cpuLimit
        self.memoryLimit = memoryLimit
        self.floor = floor
        self.ceiling = ceiling
        self.minVCPUs = minVCPUs
        self.maxVCPUs = maxVCPUs
        self.vcpuHotplug = vcpuHotplug
        self.optOut = optOut
    }

    /// The most the allocator may give: the limit where set, never above the ceiling.
    public var effectiveCap: ResourceVector {
        ResourceVector(
            cpu: min(cpuLimit ?? ceiling.cpu, ceiling.cpu),
            memory: min(memoryLimit ?? ceiling.memory, ceiling.memory)
        )
    }
}
