import BallastCore

/// One VM's demand over time, in Ballast's units, with the configured size it
/// runs at. Loaders and the scenario generator produce these; the simulator
/// replays them, interpolating linearly between samples.
///
/// Stored compactly, because a daemon replaying 1,000 VMs keeps every trace for
/// the whole run: evenly spaced sample times (every %-based trace, every
/// scenario) as a start and a step, and the two demand columns as `Float`
/// (24 significant bits: under 0.01 % of any VM size, far below what a trace
/// measures), each array at its exact size.
public struct VMTrace: Sendable, Hashable {
    public var name: String
    /// Configured vCPUs (the CPU ceiling is vcpus × 1000 millicores).
    public var vcpus: Int
    /// Configured memory (the balloon's maximum), bytes.
    public var memory: UInt64
    /// The set's epoch, seconds on the trace's clock: offset 0 of a replay. A
    /// trace starts at its own first sample until `TraceAlignment` gives every
    /// trace of a set one epoch; before its first sample a VM is not running yet.
    public var start: Double
    /// Changes of the configured size during the trace (the trace's own
    /// per-row capacity), in time order; `vcpus`/`memory` are the size at the start.
    public var resizes: [TraceResize]
    private var timeline: TraceTimeline
    private var cpuColumn: [Float]
    private var memoryColumn: [Float]

    /// - Parameters: `times` strictly increasing seconds; `cpu` millicores and
    ///   `memoryDemand` bytes per sample, as many as `times`.
    public init(name: String, vcpus: Int, memory: UInt64, times: [Double], cpu: [Double], memoryDemand: [Double],
                resizes: [TraceResize] = []) {
        self.name = name
        self.resizes = resizes
        self.vcpus = vcpus
        self.memory = memory
        self.timeline = TraceTimeline(times)
        self.start = times.first ?? 0
        self.cpuColumn = cpu.map { Float($0) }
        self.memoryColumn = memoryDemand.map { Float($0) }
    }

    /// The largest vCPUs and memory the VM has during the trace.
    public var largestVCPUs: Int { resizes.reduce(vcpus) { max($0, $1.vcpus) } }
    public var largestMemory: UInt64 { resizes.reduce(memory) { max($0, $1.memory) } }

    /// Number of samples.
    public var sampleCount: Int { timeline.count }

    /// Sample times, seconds, strictly increasing (built on each call).
    public var times: [Double] { (0..<timeline.count).map { timeline.time($0) } }
    /// CPU demand per sample, millicores, already bounded by vcpus × 1000 (built on each call).
    public var cpu: [Double] { cpuColumn.map { Double($0) } }
    /// Memory demand (working set) per sample, bytes, already bounded by `memory` (built on each call).
    public var memoryDemand: [Double] { memoryColumn.map { Double($0) } }

    /// Seconds from the epoch (`start`) to the last sample.
    public var duration: Double { timeline.count > 0 ? timeline.time(timeline.count - 1) - start : 0 }

    /// Simulated seconds after which a set of traces repeats when replayed in a
    /// loop: the longest one's epoch-to-last-sample time plus one of its steps, so
    /// that a day-long trace of 5-minute samples repeats every 24 h exactly.
    /// 0 for a set with no trace of two samples or more.
    public static func replayPeriod(of traces: [VMTrace]) -> Double {
        traces.reduce(0) { longest, trace in
            trace.sampleCount > 1 ? max(longest, trace.duration + trace.step) : longest
        }
    }

    /// First sample time, seconds on the trace's clock.
    public var firstSample: Double { timeline.count > 0 ? timeline.time(0) : start }

    /// Seconds from the epoch to the first sample: the VM is not running yet.
    public var leadingGap: Double { max(0, firstSample - start) }

    /// Median gap between samples, seconds (the trace's native step).
    public var step: Double {
        guard timeline.count > 1 else { return 0 }
        if case .even(_, let step, _) = timeline { return step }
        let times = self.times
        var gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        gaps.sort()
        return gaps[gaps.count / 2]
    }

    /// Demand at `offset` seconds after the epoch (`start`), linearly interpolated;
    /// zero before the first sample (the VM is not running yet); held at the
    /// last value past the end. `cursor` speeds sequential access.
    public func demand(at offset: Double, cursor: inout Int) -> (cpu: Double, memory: Double) {
        let count = min(timeline.count, cpuColumn.count, memoryColumn.count)
        guard count > 0 else { return (0, 0) }
        let time = start + offset
        if time < timeline.time(0) { return (0, 0) }
        if cursor >= count { cursor = count - 1 }
        while cursor + 1 < count && timeline.time(cursor + 1) <= time { cursor += 1 }
        let index = cursor
        let cpu = Double(cpuColumn[index])
        let memory = Double(memoryColumn[index])
        let start = timeline.time(index)
        if index + 1 >= count || time <= start {
            return (cpu, memory)
        }
        let fraction = (time - start) / (timeline.time(index + 1) - start)
        return (cpu + (Double(cpuColumn[index + 1]) - cpu) * fraction,
                memory + (Double(memoryColumn[index + 1]) - memory) * fraction)
    }

    /// The spec the simulator gives this VM: default shares, ceiling at its configured size.
    public var spec: VMSpec {
        VMSpec(ceiling: ResourceVector(cpu: vcpus * 1000, memory: memory), maxVCPUs: vcpus)
    }
}

/// A change of a VM's configured size at `time` (seconds on the trace's clock).
public struct TraceResize: Sendable, Hashable {
    public var time: Double
    public var vcpus: Int
    public var memory: UInt64

    public init(time: Double, vcpus: Int, memory: UInt64) {
        self.time = time
        self.vcpus = vcpus
        self.memory = memory
    }
}

/// The sample times of a trace: a start and a step when they are evenly spaced
/// (exactly: `start + i × step` gives every time back), else the list itself.
enum TraceTimeline: Sendable, Hashable {
    case even(start: Double, step: Double, count: Int)
    case listed([Double])

    init(_ times: [Double]) {
        guard let first = times.first, times.count > 1 else {
            self = .listed(times.map { $0 })  // exact size, not the builder's capacity
            return
        }
        let step = times[1] - first
        for index in times.indices where times[index] != first + Double(index) * step {
            self = .listed(times.map { $0 })  // exact size, not the builder's capacity
            return
        }
        self = .even(start: first, step: step, count: times.count)
    }

    var count: Int {
        switch self {
        case .even(_, _, let count): count
        case .listed(let times): times.count
        }
    }

    @inline(__always)
    func time(_ index: Int) -> Double {
        switch self {
        case .even(let start, let step, _): start + Double(index) * step
        case .listed(let times): times[index]
        }
    }
}
