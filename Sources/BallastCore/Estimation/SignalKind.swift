/// Every signal the estimator raises: a name (`SignalName`) with its fixed note.
/// The estimator raises a few of these for every VM every tick, so an estimate
/// stores the kind (one byte) and the value, and the texts are looked up when a
/// signal is read (`SignalList`).
public enum SignalKind: UInt8, Sendable, CaseIterable {
    case sampleNotes
    case firstSample
    case repeatedSample
    case cpuUnreported
    case counterReset
    case cpuCountersAppeared
    case cpuUsage
    case cpuThrottled
    case cpuThrottledTime
    case cpuRunDelay
    case cpuPressure
    case cpuSaturated
    case cpuProbe
    case memoryUnreported
    case memoryUsed
    case memoryStaleStats
    case memorySwap
    case memoryMajorFaults
    case memoryPressure
    case memoryFull
    case memoryGrowth
    case memoryProbe
    case memorySelfDeflate

    public var name: String {
        switch self {
        case .sampleNotes: SignalName.sampleNotes
        case .firstSample, .cpuCountersAppeared: SignalName.firstSample
        case .repeatedSample: SignalName.repeatedSample
        case .cpuUnreported: SignalName.cpuUnreported
        case .counterReset: SignalName.counterReset
        case .cpuUsage: SignalName.cpuUsage
        case .cpuThrottled: SignalName.cpuThrottled
        case .cpuThrottledTime: SignalName.cpuThrottledTime
        case .cpuRunDelay: SignalName.cpuRunDelay
        case .cpuPressure: SignalName.cpuPressure
        case .cpuSaturated: SignalName.cpuSaturated
        case .cpuProbe: SignalName.cpuProbe
        case .memoryUnreported: SignalName.memoryUnreported
        case .memoryUsed: SignalName.memoryUsed
        case .memoryStaleStats: SignalName.memoryStaleStats
        case .memorySwap: SignalName.memorySwap
        case .memoryMajorFaults: SignalName.memoryMajorFaults
        case .memoryPressure: SignalName.memoryPressure
        case .memoryFull: SignalName.memoryFull
        case .memoryGrowth: SignalName.memoryGrowth
        case .memoryProbe: SignalName.memoryProbe
        case .memorySelfDeflate: SignalName.memorySelfDeflate
        }
    }

    public var note: String {
        switch self {
        case .sampleNotes: "problems met while sampling lower the confidence"
        case .firstSample: "first sample: no rates yet, believing the current allocation"
        case .repeatedSample: "no time passed since the previous sample: estimate unchanged"
        case .cpuUnreported: "no CPU counters: keeping the previous estimate"
        case .counterReset: "CPU time went backwards (restart or reset): keeping the previous estimate"
        case .cpuCountersAppeared: "CPU counters just appeared: no rate yet, keeping the previous estimate"
        case .cpuUsage: "CPU used, from cpu time deltas"
        case .cpuThrottled: "fraction of CFS periods throttled: usage is capped by the quota"
        case .cpuThrottledTime: "time throttled by the quota, as millicores of unmet demand"
        case .cpuRunDelay: "vCPUs runnable but waiting for a host CPU, as millicores"
        case .cpuPressure: "cgroup cpu.pressure: tasks stalled waiting for CPU (percent)"
        case .cpuSaturated: "usage at the allocation and no throttle counters: demand may be higher"
        case .cpuProbe: "CPU usage is censored: probing upward"
        case .memoryUnreported: "guest reports no balloon statistics: using host RSS, memory will not be shrunk blindly"
        case .memoryUsed: "guest used memory, from balloon statistics"
        case .memoryStaleStats: "guest balloon statistics stopped updating (seconds)"
        case .memorySwap: "guest swapping (bytes per second): memory is short"
        case .memoryMajorFaults: "guest major faults per second: working set does not fit"
        case .memoryPressure: "cgroup memory.pressure: tasks stalled on memory (percent)"
        case .memoryFull: "guest has almost no usable memory left"
        case .memoryGrowth: "guest used memory growing (bytes per second): demand covers the next seconds of it"
        case .memoryProbe: "memory is censored: probing upward"
        case .memorySelfDeflate: "the guest deflated its balloon by itself (deflate-on-OOM), this many bytes above the target set: it ran out of memory"
        }
    }
}
