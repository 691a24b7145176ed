/// The event path (`[events]` in ballast.toml): libvirt events, pressure triggers and
/// urgent ticks. With `enabled` false Ballast only polls, once per interval.
public struct EventSettings: Sendable, Hashable, Codable {
    /// libvirt events, pressure triggers and urgent ticks; false: polling only.
    public var enabled: Bool
    /// Urgent ticks per second at most, for the whole host (requests in between are coalesced).
    public var maxUrgentTicksPerSecond: Double
    /// PSI trigger on the host's `/proc/pressure/memory`: "some" stall time, microseconds
    /// per `pressureWindow`, that fires an urgent tick; 0 arms none.
    public var hostMemoryPressureStall: UInt64
    /// The same for each VM's machine cgroup `memory.pressure` (cgroup v2 only); 0 arms none.
    public var vmMemoryPressureStall: UInt64
    /// The PSI trigger window, microseconds (the kernel accepts 500 ms to 10 s; without
    /// CAP_SYS_RESOURCE only multiples of 2 s, hence the default).
    public var pressureWindow: UInt64
    /// Balloon statistics are read this often between ticks, seconds, to catch a guest
    /// whose available memory fell below its headroom or that deflated its balloon. Half a
    /// second: a step waits a quarter of a second on average after the guest reports it (at
    /// 1 s it was half a second, the whole of issue 12's budget); Ballast's CPU beside three
    /// idle guests went from 0.84 % to 0.97 % of a core (debug build, two alternated runs
    /// each), 1.21 % at 0.25 s.
    public var balloonWatchInterval: Double

    public init(enabled: Bool = true, maxUrgentTicksPerSecond: Double = 4,
                hostMemoryPressureStall: UInt64 = 100_000, vmMemoryPressureStall: UInt64 = 100_000,
                pressureWindow: UInt64 = 2_000_000, balloonWatchInterval: Double = 0.5) {
        self.enabled = enabled
        self.maxUrgentTicksPerSecond = maxUrgentTicksPerSecond
        self.hostMemoryPressureStall = hostMemoryPressureStall
        self.vmMemoryPressureStall = vmMemoryPressureStall
        self.pressureWindow = pressureWindow
        self.balloonWatchInterval = balloonWatchInterval
    }
}
