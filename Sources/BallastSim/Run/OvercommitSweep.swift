/// Density: for each policy, the highest overcommit at which memory
/// shortfall stays at or under a limit (1 %). The grid is walked upwards and a
/// policy drops out at its first point above the limit, so its density is the
/// top of the contiguous passing range from the bottom of the grid.
public enum OvercommitSweep {
    /// One grid point: memory shortfall per policy still in the sweep.
    public struct Point: Sendable {
        public var overcommit: Double
        public var memoryShortfall: [PolicyKind: Double]
    }

    public struct Result: Sendable {
        public var points: [Point]
        /// Highest passing overcommit per policy; 0 when even the first point fails.
        public var density: [PolicyKind: Double]
        public var seconds: Double
    }

    /// The grid `from:to:step`, e.g. 1.0:6.0:0.25.
    public static func grid(from: Double, to: Double, step: Double) -> [Double] {
        guard step > 0, to >= from else { return [] }
        let count = Int(((to - from) / step + 1e-9).rounded(.down)) + 1
        return (0..<count).map { from + Double($0) * step }
    }

    public static func run(traces: [VMTrace], options: ComparisonOptions, grid: [Double], limit: Double = 0.01,
                           progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> Result {
        var remaining = options.policies
        var density: [PolicyKind: Double] = Dictionary(uniqueKeysWithValues: options.policies.map { ($0, 0) })
        var points: [Point] = []
        var seconds = 0.0
        for (index, overcommit) in grid.enumerated() where !remaining.isEmpty {
            var pointOptions = options
            pointOptions.overcommit = overcommit
            pointOptions.policies = remaining
            pointOptions.keepSeries = false
            let result = await Comparison.run(traces: traces, options: pointOptions)
            seconds += result.seconds
            var shortfalls: [PolicyKind: Double] = [:]
            for policy in result.policies {
                shortfalls[policy.policy] = policy.card.memoryShortfall
                if policy.card.memoryShortfall <= limit {
                    density[policy.policy] = overcommit
                } else {
                    remaining.removeAll { $0 == policy.policy }
                }
            }
            points.append(Point(overcommit: overcommit, memoryShortfall: shortfalls))
            progress(index + 1, grid.count)
        }
        return Result(points: points, density: density, seconds: seconds)
    }
}
