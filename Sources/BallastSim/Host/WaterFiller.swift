/// Weighted max-min fair division of a capacity among demands (water-filling):
/// every demand is met when they fit; otherwise each gets min(demand, level ×
/// weight) with the level chosen so the capacity is used exactly. The
/// simulator's own implementation (for the host's CFS share-out, the oracle
/// and fairness scoring), independent of Ballast's allocator. Reuses scratch
/// storage so that the hot loop does not allocate.
struct WaterFiller {
    private var order: [Int] = []

    mutating func fill(demands: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>,
                       capacity: Double, into result: UnsafeMutableBufferPointer<Double>) {
        let count = demands.count
        var total = 0.0
        for index in 0..<count { total += demands[index] }
        if total <= capacity {
            for index in 0..<count { result[index] = demands[index] }
            return
        }
        order.removeAll(keepingCapacity: true)
        var totalWeight = 0.0
        for index in 0..<count {
            order.append(index)
            totalWeight += weights[index]
        }
        order.sort { demands[$0] / weights[$0] < demands[$1] / weights[$1] }
        var remaining = max(0, capacity)
        var position = 0
        while position < count {
            let index = order[position]
            let fair = remaining * weights[index] / totalWeight
            guard demands[index] <= fair else { break }
            result[index] = demands[index]
            remaining -= demands[index]
            totalWeight -= weights[index]
            position += 1
        }
        let level = totalWeight > 0 ? remaining / totalWeight : 0
        while position < count {
            let index = order[position]
            result[index] = level * weights[index]
            position += 1
        }
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
