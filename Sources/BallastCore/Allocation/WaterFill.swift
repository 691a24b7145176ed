/// Weighted water-filling on one resource, the kernel of the fair-share allocator.
///
/// Given per-claimant bounds `lower[i] <= upper[i]` and weights `weight[i] >= 0`,
/// it hands out `amount` on top of the lower bounds so that every claimant ends at
/// `clamp(level * weight[i], lower[i], upper[i])` for one common `level`: weighted
/// max-min fairness. Claimants with zero weight are served only after every
/// positive-weight claimant is at its upper bound, then equally among themselves.
///
/// Cost: one sort of the breakpoints (at most two per claimant), O(n log n).
struct WaterFill {
    /// One breakpoint of the piecewise-linear fill curve: at `level` the
    /// claimant `index` starts (`opens`) or stops growing.
    private struct Breakpoint {
        var level: Double
        var index: Int32
        var opens: Bool
    }

    private var breakpoints: [Breakpoint] = []

    /// Fills `result` (same count as the inputs) and returns what could not be
    /// placed because every claimant reached its upper bound (0 when all fit).
    mutating func fill(lower: [Double], upper: [Double], weight: [Double], amount: Double,
                       result: inout [Double]) -> Double {
        for i in lower.indices { result[i] = lower[i] }
        guard amount > 0 else { return 0 }
        let left = fillTier(lower: lower, upper: upper, weight: weight, amount: amount,
                            result: &result, zeroWeightTier: false)
        guard left > 0 else { return 0 }
        return fillTier(lower: lower, upper: upper, weight: weight, amount: left,
                        result: &result, zeroWeightTier: true)
    }

    /// One tier: positive-weight claimants by their weight, or zero-weight claimants
    /// with weight 1. Returns the amount left over.
    private mutating func fillTier(lower: [Double], upper: [Double], weight: [Double], amount: Double,
                                  result: inout [Double], zeroWeightTier: Bool) -> Double {
        breakpoints.removeAll(keepingCapacity: true)
        var room = 0.0
        for i in lower.indices {
            let w = zeroWeightTier ? (weight[i] > 0 ? 0 : 1) : weight[i]
            guard w > 0, upper[i] > lower[i] else { continue }
            room += upper[i] - lower[i]
            let index = Int32(truncatingIfNeeded: i)
            breakpoints.append(Breakpoint(level: lower[i] / w, index: index, opens: true))
            breakpoints.append(Breakpoint(level: upper[i] / w, index: index, opens: false))
        }
        if room <= amount {
            // Everyone in this tier saturates: no level to solve for.
            for point in breakpoints where !point.opens { result[Int(point.index)] = upper[Int(point.index)] }
            return amount - room
        }
        // Opening before closing at equal levels keeps the slope right for zero-width pieces.
        breakpoints.sort { $0.level < $1.level || ($0.level == $1.level && $0.opens && !$1.opens) }

        // Sweep the curve g(level) = sum of growth above lower bounds until it reaches `amount`.
        var filled = 0.0
        var slope = 0.0
        var previous = 0.0
        var solved = breakpoints.last?.level ?? 0
        for point in breakpoints {
            let next = filled + slope * (point.level - previous)
            if next >= amount, slope > 0 {
                solved = previous + (amount - filled) / slope
                break
            }
            filled = next
            previous = point.level
            let w = zeroWeightTier ? 1 : weight[Int(point.index)]
            slope += point.opens ? w : -w
            if slope < 1e-12 { slope = 0 }
        }
        for i in lower.indices {
            let w = zeroWeightTier ? (weight[i] > 0 ? 0 : 1) : weight[i]
            guard w > 0, upper[i] > lower[i] else { continue }
            result[i] = min(max(solved * w, lower[i]), upper[i])
        }
        return 0
    }
}
