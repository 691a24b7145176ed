/// Pressure stall information (PSI) as the kernel reports it: the share of
/// wall time in which some (or all) tasks stalled on a resource, averaged over
/// 10 s, plus the cumulative stall time. Both host-wide (`/proc/pressure/*`) and
/// per cgroup (`cpu.pressure`, `memory.pressure`).
public struct PressureSample: Sendable, Hashable, Codable {
    /// Percent of time some task stalled, 10-second average (0...100).
    public var someAvg10: Double
    /// Percent of time all tasks stalled, 10-second average (0...100); `nil` where the kernel omits `full`.
    public var fullAvg10: Double?
    /// Cumulative stall time of `some`, microseconds.
    public var someTotalMicros: UInt64

    public init(someAvg10: Double, fullAvg10: Double? = nil, someTotalMicros: UInt64) {
        self.someAvg10 = someAvg10
        self.fullAvg10 = fullAvg10
        self.someTotalMicros = someTotalMicros
    }
}
