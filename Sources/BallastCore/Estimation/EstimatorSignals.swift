/// The names of the signals the estimator attaches to its estimates. Static
/// strings, so that carrying evidence costs no formatting on the hot path.
public enum SignalName {
    public static let cpuUsage = "cpu.usage"
    public static let cpuThrottled = "cpu.throttled"
    public static let cpuThrottledTime = "cpu.throttled_time"
    public static let cpuRunDelay = "cpu.run_delay"
    public static let cpuPressure = "cpu.pressure"
    public static let cpuSaturated = "cpu.saturated"
    public static let cpuProbe = "cpu.probe"
    public static let cpuUnreported = "cpu.unreported"
    public static let memoryUsed = "memory.used"
    public static let memorySwap = "memory.swap"
    public static let memoryMajorFaults = "memory.major_faults"
    public static let memoryPressure = "memory.pressure"
    public static let memoryFull = "memory.full"
    public static let memoryProbe = "memory.probe"
    public static let memoryUnreported = "memory.unreported"
    public static let memoryStaleStats = "memory.stale_stats"
    public static let firstSample = "sample.first"
    public static let repeatedSample = "sample.repeated"
    public static let counterReset = "sample.counter_reset"
    public static let sampleNotes = "sample.notes"
}
