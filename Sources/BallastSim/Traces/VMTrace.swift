import BallastCore

/// One VM's demand over time, in Ballast's units, with the configured size it
/// runs at. Loaders and the scenario generator produce these; the simulator
/// replays them, interpolating linearly between samples.
public struct VMTrace: Sendable, Hashable {
    public var name: String
    /// Configured vCPUs (the CPU ceiling is vcpus × 1000 millicores).
    public var vcpus: Int
    /// Configured memory (the balloon's maximum), bytes.
    public var memory: UInt64
    /// Sample times, seconds, strictly increasing.
    public var times: [Double]
    /// CPU demand per sample, millicores, already bounded by vcpus × 1000.
    public var cpu: [Double]
    /// Memory demand (working set) per sample, bytes, already bounded by `memory`.
    public var memoryDemand: [Double]

    public init(name: String, vcpus: Int, memory: UInt64, times: [Double], cpu: [Double], memoryDemand: [Double]) {
        self.name = name
        self.vcpus = vcpus
        self.memory = memory
        self.times = times
        self.cpu = cpu
        self.memoryDemand = memoryDemand
    }

    /// Seconds from first to last sample.
    public var duration: Double { (times.last ?? 0) - (times.first ?? 0) }

    /// Median gap between samples, seconds (the trace's native step).
    public var step: Double {
        guard times.count > 1 else { return 0 }
        var gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        gaps.sort()
        return gaps[gaps.count / 2]
    }

    /// Demand at `offset` seconds after the first sample, linearly interpolated;
    /// held at the last value past the end. `cursor` speeds sequential access.
    public func demand(at offset: Double, cursor: inout Int) -> (cpu: Double, memory: Double) {
        guard let first = times.first else { return (0, 0) }
        let time = first + offset
        if cursor >= times.count { cursor = times.count - 1 }
        while cursor + 1 < times.count && times[cursor + 1] <= time { cursor += 1 }
        let index = cursor
        if index + 1 >= times.count || time <= times[index] {
            return (cpu[index], memoryDemand[index])
        }
        let fraction = (time - times[index]) / (times[index + 1] - times[index])
        return (cpu[index] + (cpu[index + 1] - cpu[index]) * fraction,
                memoryDemand[index] + (memoryDemand[index + 1] - memoryDemand[index]) * fraction)
    }

    /// The spec the simulator gives this VM: default shares, ceiling at its configured size.
    public var spec: VMSpec {
        VMSpec(ceiling: ResourceVector(cpu: vcpus * 1000, memory: memory), maxVCPUs: vcpus)
    }
}
