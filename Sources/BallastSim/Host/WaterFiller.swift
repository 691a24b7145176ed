/// Weighted max-min fair division of a capacity among demands (water-filling):
/// every demand is met when they fit; otherwise each gets min(demand, level ×
/// weight) with the level chosen so the capacity is used exactly. The
/// simulator's own implementation (for the host's CFS share-out, the oracle
/// and fairness scoring), independent of Ballast's allocator. Reuses scratch
/// storage so that the hot loop does not allocate.
///
/// The level is found by fixed-point iteration: start at capacity / Σ weights,
/// mark the demands it covers as met, spread what is left over the others,
/// repeat until no further demand is met (each round only raises the level, so
/// at most n rounds, typically a few). After `maxRounds` it falls back to the
/// sort-based method, which is O(n log n) in every case.
struct WaterFiller {
    private var order: [Int] = []
    private var ratios: [Double] = []
    static let maxRounds = 24

    mutating func fill(demands: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
                       capacity: Double, into result: UnsafeMutableBufferPointer<Double>) {
        let count = demands.count
        var total = 0.0
        var totalWeight = 0.0
        for index in 0..<count {
            total += demands[index]
            totalWeight += weights[index]
        }
        if total <= capacity || totalWeight <= 0 {
            for index in 0..<count { result[index] = demands[index] }
            return
        }
        let available = max(0, capacity)
        var level = available / totalWeight
        var converged = false
        for _ in 0..<Self.maxRounds {
            var metDemand = 0.0
            var openWeight = 0.0
            for index in 0..<count {
                if demands[index] <= level * weights[index] {
                    metDemand += demands[index]
                } else {
                    openWeight += weights[index]
                }
            }
            guard openWeight > 0 else {
                converged = true
                break
            }
            let next = (available - metDemand) / openWeight
            if next <= level {
                converged = true
                break
            }
            level = next
        }
        if !converged { level = sortedLevel(demands: demands, weights: weights, capacity: available) }
        for index in 0..<count { result[index] = min(demands[index], level * weights[index]) }
    }

    /// The level by sorting demands by demand / weight and filling in order.
    private mutating func sortedLevel(demands: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
                                      capacity: Double) -> Double {
        let count = demands.count
        order.removeAll(keepingCapacity: true)
        ratios.removeAll(keepingCapacity: true)
        var remainingWeight = 0.0
        for index in 0..<count {
            order.append(index)
            ratios.append(weights[index] > 0 ? demands[index] / weights[index] : .infinity)
            remainingWeight += weights[index]
        }
        let keys = ratios
        order.sort { keys[$0] < keys[$1] }
        var remaining = capacity
        for index in order {
            guard remainingWeight > 0, demands[index] <= remaining * weights[index] / remainingWeight else { break }
            remaining -= demands[index]
            remainingWeight -= weights[index]
        }
        return remainingWeight > 0 ? remaining / remainingWeight : 0
    }

    /// Array convenience for tests and cold paths.
    mutating func fill(demands: [Double], weights: [Double], capacity: Double) -> [Double] {
        var result = [Double](repeating: 0, count: demands.count)
        demands.withUnsafeBufferPointer { d in
            weights.withUnsafeBufferPointer { w in
                result.withUnsafeMutableBufferPointer { r in fill(demands: d, weights: w, capacity: capacity, into: r) }
            }
        }
        return result
    }
}
