/// A cumulative Prometheus-style histogram with fixed upper bounds, kept as
/// plain counts so that a snapshot of it is a cheap value copy.
public struct Histogram: Sendable, Hashable {
    /// Upper bounds (inclusive), ascending; `+Inf` is implicit.
    public let bounds: [Double]
    /// Observations per bucket (not cumulative); one extra slot for `+Inf`.
    public private(set) var counts: [UInt64]
    public private(set) var sum: Double
    public private(set) var count: UInt64

    /// Bounds for durations from a millisecond to ten seconds, in seconds.
    public static let durationBounds: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]

    public init(bounds: [Double] = Histogram.durationBounds) {
        self.bounds = bounds
        self.counts = Array(repeating: 0, count: bounds.count + 1)
        self.sum = 0
        self.count = 0
    }

    /// Adds one observation. Non-finite values are ignored: they would poison the sum.
    public mutating func observe(_ value: Double) {
        guard value.isFinite else { return }
        var index = bounds.count
        for (candidate, bound) in bounds.enumerated() where value <= bound {
            index = candidate
            break
        }
        counts[index] += 1
        sum += value
        count += 1
    }

    /// Cumulative count up to and including bucket `index` (the `le` semantics).
    public func cumulativeCounts() -> [UInt64] {
        var running: UInt64 = 0
        return counts.map { running += $0; return running }
    }
}
