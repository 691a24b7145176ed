/// Density: for each policy, the highest overcommit at which memory
/// shortfall stays at or under a limit (1 %). The grid is walked upwards and a
/// policy drops out at its first point above the limit, so its density is the
/// top of the contiguous passing range from the bottom of the grid. With a
/// refinement step, the gap between a policy's last passing point and its
/// first failing one is walked again at that finer step (for that policy only),
/// so a fine density costs a few extra points, not a fine grid.
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

    public static func run(traces: [VMTrace], options: ComparisonOptions, grid: [Double], refine: Double? = nil,
                           limit: Double = 0.01,
                           progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async -> Result {
        var remaining = options.policies
        var density: [PolicyKind: Double] = Dictionary(uniqueKeysWithValues: options.policies.map { ($0, 0) })
        var points: [Point] = []
        var seconds = 0.0
        var failedAt: [PolicyKind: Double] = [:]
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
                    failedAt[policy.policy] = overcommit
                }
            }
            points.append(Point(overcommit: overcommit, memoryShortfall: shortfalls))
            progress(index + 1, grid.count)
        }
        if let refine, refine > 0 {
            for policy in options.policies {
                guard let failed = failedAt[policy], let passed = density[policy], passed > 0 else { continue }
                var overcommit = passed + refine
                while overcommit < failed - 1e-9 {
                    var pointOptions = options
                    pointOptions.overcommit = overcommit
                    pointOptions.policies = [policy]
                    pointOptions.keepSeries = false
                    let result = await Comparison.run(traces: traces, options: pointOptions)
                    seconds += result.seconds
                    let shortfall = result.policies.first?.card.memoryShortfall ?? 1
                    Self.record(policy, shortfall, at: overcommit, in: &points)
                    guard shortfall <= limit else { break }
                    density[policy] = overcommit
                    overcommit += refine
                }
            }
        }
        return Result(points: points, density: density, seconds: seconds)
    }

    /// Adds one policy's shortfall at `overcommit` to the point there (made if new), points kept in order.
    private static func record(_ policy: PolicyKind, _ shortfall: Double, at overcommit: Double, in points: inout [Point]) {
        if let index = points.firstIndex(where: { abs($0.overcommit - overcommit) < 1e-9 }) {
            points[index].memoryShortfall[policy] = shortfall
        } else {
            points.append(Point(overcommit: overcommit, memoryShortfall: [policy: shortfall]))
            points.sort { $0.overcommit < $1.overcommit }
        }
    }
}
