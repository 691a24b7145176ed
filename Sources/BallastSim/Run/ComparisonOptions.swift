import BallastCore

/// Everything a comparison run needs besides the traces.
public struct ComparisonOptions: Sendable {
    public var host: HostConfig
    /// Configured memory / physical memory per host.
    public var overcommit: Double
    public var policies: [PolicyKind]
    public var seed: UInt64
    /// Simulated seconds per tick.
    public var tick: Double
    /// Simulated seconds to run; `nil`: the longest trace.
    public var duration: Double?
    /// Ballast's settings (its interval is set to `tick`).
    public var ballastSettings: BalancerSettings
    /// The Proxmox baseline's operator settings (balloon minimum, host target).
    public var proxmox: ProxmoxSettings
    /// Keep per-tick series and a few VMs' demand vs allocation (for `--report`).
    public var keepSeries: Bool
    /// How many VMs of the first host the report plots.
    public var tracedVMs: Int

    public init(host: HostConfig = HostConfig(), overcommit: Double = 1, policies: [PolicyKind] = PolicyKind.comparedByDefault,
                seed: UInt64 = 1, tick: Double = 10, duration: Double? = nil,
                ballastSettings: BalancerSettings = BalancerSettings(), proxmox: ProxmoxSettings = ProxmoxSettings(),
                keepSeries: Bool = false, tracedVMs: Int = 3) {
        self.host = host
        self.overcommit = overcommit
        self.policies = policies
        self.seed = seed
        self.tick = tick
        self.duration = duration
        self.ballastSettings = ballastSettings
        self.proxmox = proxmox
        self.keepSeries = keepSeries
        self.tracedVMs = tracedVMs
    }
}

/// One policy's result over all hosts.
public struct PolicyResult: Sendable {
    public var policy: PolicyKind
    public var card: Scorecard
    /// Per-tick sums over all hosts (empty unless `keepSeries`).
    public var series: TickSeries?
    /// Demand vs allocation of a few VMs of the first host (empty unless `keepSeries`).
    public var traced: [VMSeries]
}

/// The outcome of a comparison: one result per policy, in the requested order.
public struct ComparisonOutcome: Sendable {
    public var policies: [PolicyResult]
    public var vms: Int
    public var ticks: Int
    public var hosts: Int
    public var tick: Double
    public var overcommit: Double
    public var cpuModel: CPUModel
    /// Wall-clock seconds the simulation took.
    public var seconds: Double
}
