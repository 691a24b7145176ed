import BallastCgroups
import BallastCore

/// Tunables of `LibvirtBackend`, with the defaults documented in docs/libvirt.md.
public struct LibvirtBackendOptions: Sendable {
    /// Balloon statistics period asked of each newly seen running guest, seconds
    /// (default 1 with events on, so the balloon watch sees a step within a second; else 2).
    public var memoryStatsPeriod: Int32
    /// Domain XML is re-read every this many samples (and whenever a domain's id changes),
    /// so `virsh metadata` edits take effect within this many ticks.
    public var xmlRefreshSamples: Int
    /// CFS period used when setting `vcpu_quota`, microseconds.
    public var vcpuPeriod: UInt64
    /// First and longest wait between reconnection attempts, seconds (doubling in between).
    public var reconnectInitialDelay: Double
    public var reconnectMaximumDelay: Double
    /// Seconds libvirt may wait for a guest agent per agent command (libvirt's own default is
    /// to wait forever, and every libvirt call of the backend waits behind it). A call takes
    /// 20-120 ms on a TCG guest; 3 s leaves room for a loaded host and bounds a hung agent.
    public var agentTimeout: Int32
    /// For a domain whose vCPUs Ballast offlined through the guest agent, the guest's online
    /// count is read again at most this often, seconds (catches the guest onlining them itself).
    public var guestVCPURecheckInterval: Double
    /// Where /proc and /sys are read from ("/" on a real host).
    public var fileSystem: any KernelFileSystem
    /// libvirt events, pressure triggers and the balloon watch (`[events]`).
    public var events: EventSettings
    /// When the balloon watch asks for an urgent tick: a guest's available memory (balloon
    /// statistics' `usable`) short of its headroom (the estimator's, `[estimator]
    /// memory_headroom`) by at least the governor's `min_memory_change`, or the guests'
    /// used memory entering their budget's emergency zone.
    public var watch: BalloonWatchRules

    public init(memoryStatsPeriod: Int32? = nil, xmlRefreshSamples: Int = 10, vcpuPeriod: UInt64 = 100_000,
                reconnectInitialDelay: Double = 1, reconnectMaximumDelay: Double = 30,
                agentTimeout: Int32 = 3, guestVCPURecheckInterval: Double = 30,
                fileSystem: any KernelFileSystem = RootedFileSystem.host, events: EventSettings = EventSettings(),
                watch: BalloonWatchRules = BalloonWatchRules()) {
        self.memoryStatsPeriod = memoryStatsPeriod ?? (events.enabled ? 1 : 2)
        self.events = events
        self.watch = watch
        self.xmlRefreshSamples = xmlRefreshSamples
        self.vcpuPeriod = vcpuPeriod
        self.reconnectInitialDelay = reconnectInitialDelay
        self.reconnectMaximumDelay = reconnectMaximumDelay
        self.agentTimeout = agentTimeout
        self.guestVCPURecheckInterval = guestVCPURecheckInterval
        self.fileSystem = fileSystem
    }
}

/// Why a sample could not be taken as a whole (the engine skips the tick).
public struct LibvirtBackendError: Error, Sendable, Hashable, CustomStringConvertible {
    public var detail: String
    public var description: String { detail }
}
