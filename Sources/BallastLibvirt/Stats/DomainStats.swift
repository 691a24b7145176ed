import BallastCore

/// One domain's statistics as libvirt reports them, converted to Ballast's
/// units (bytes, nanoseconds), from bulk `virConnectGetAllDomainStats` with
/// per-domain calls filling what the driver left out. `nil` = not reported.
public struct DomainStats: Sendable, Hashable {
    public var uuid: String
    public var name: String
    /// libvirt domain id; -1 when not running.
    public var id: Int
    public var state: VMRunState
    /// libvirt `virDomainState` and its reason code, for logs.
    public var rawState: Int32
    public var stateReason: Int32

    /// `cpu.time`: total CPU time of the domain, nanoseconds.
    public var cpuTimeNanos: UInt64?
    /// `balloon.current` / `balloon.maximum`, bytes.
    public var balloonCurrent: UInt64?
    public var balloonMaximum: UInt64?
    /// `balloon.rss`: resident memory of the QEMU process, bytes.
    public var rss: UInt64?
    /// Guest-reported statistics (`balloon.unused`, `available`, ...).
    public var balloon: BalloonStats
    /// `vcpu.current` / `vcpu.maximum`.
    public var vcpuCurrent: Int?
    public var vcpuMaximum: Int?
    /// Sum of `vcpu.N.delay` (time runnable but not running), nanoseconds.
    public var vcpuDelayNanos: UInt64?
    /// Live `cpu_shares`, `vcpu_quota`, `vcpu_period` (per-domain call).
    public var scheduler: SchedulerParameters?
    /// What could not be read, and why.
    public var notes: [String]

    public init(uuid: String, name: String, id: Int, state: VMRunState = .other, rawState: Int32 = 0,
                stateReason: Int32 = 0) {
        self.uuid = uuid
        self.name = name
        self.id = id
        self.state = state
        self.rawState = rawState
        self.stateReason = stateReason
        self.balloon = BalloonStats()
        self.notes = []
    }

    /// Whether the guest's balloon driver reports its memory use.
    public var hasGuestMemoryStats: Bool { balloon.reportsUsage }
}

/// Live CFS scheduler settings of a domain (libvirt scheduler parameters).
public struct SchedulerParameters: Sendable, Hashable {
    /// CFS weight; `nil` where the driver has no `cpu_shares`.
    public var cpuShares: UInt64?
    /// Quota per vCPU per period, microseconds; <= 0 or absent means unlimited.
    public var vcpuQuota: Int64?
    /// Period, microseconds.
    public var vcpuPeriod: UInt64?

    public init(cpuShares: UInt64? = nil, vcpuQuota: Int64? = nil, vcpuPeriod: UInt64? = nil) {
        self.cpuShares = cpuShares
        self.vcpuQuota = vcpuQuota
        self.vcpuPeriod = vcpuPeriod
    }

    /// libvirt reports "no quota" as -1 or 0 on cgroup v1 and as 17592186044415 (max) on v2.
    public static let unlimitedQuotaThreshold: Int64 = 17_592_186_044_415

    /// The bandwidth cap in millicores for `vcpus` vCPUs, or `nil` when unlimited or unknown.
    public func capMillicores(vcpus: Int) -> Int? {
        guard let quota = vcpuQuota, quota > 0, quota < Self.unlimitedQuotaThreshold,
              let period = vcpuPeriod, period > 0 else { return nil }
        let millicores = Double(quota) * Double(vcpus) * 1000 / Double(period)
        return Int(millicores.rounded())
    }

    /// The per-vCPU quota (µs) that caps `millicores` over `vcpus` vCPUs at `period` µs:
    /// millicores / vcpus × period / 1000, never under the kernel's 1 ms minimum.
    public static func quota(millicores: Int, vcpus: Int, period: UInt64) -> Int64 {
        let perVCPU = Double(max(millicores, 0)) / Double(max(vcpus, 1)) * Double(period) / 1000
        return max(Int64(perVCPU.rounded()), 1000)
    }
}
