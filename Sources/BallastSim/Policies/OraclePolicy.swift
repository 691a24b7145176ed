import BallastCore

/// Knows the true demand and allocates it weighted max-min fair at once:
/// memory over physical memory, CPU over host cores. Unattainable; the floor
/// for every other policy's shortfall and the ceiling for density.
struct OraclePolicy {
    private var filler = WaterFiller()
    private var memoryWeights: [Double]
    private var cpuWeights: [Double]
    private var cpuWanted: [Double]
    private var memoryShare: [Double]
    private var cpuShare: [Double]

    init(vms: [SimulatedVM]) {
        memoryWeights = vms.map { Double(max($0.spec.memoryShares, 1)) }
        cpuWeights = vms.map { Double($0.spec.cpuShares.value) }
        cpuWanted = [Double](repeating: 0, count: vms.count)
        memoryShare = cpuWanted
        cpuShare = cpuWanted
    }

    mutating func decide(host: SimulatedHost, cpuDemand: UnsafeBufferPointer<Double>,
                         memoryDemand: UnsafeBufferPointer<Double>) -> [VMAllocation] {
        for index in host.vms.indices {
            cpuWanted[index] = min(cpuDemand[index], Double(host.vms[index].vcpus * 1000))
        }
        memoryWeights.withUnsafeBufferPointer { weights in
            memoryShare.withUnsafeMutableBufferPointer { out in
                filler.fill(demands: memoryDemand, weights: weights, capacity: Double(host.config.memory), into: out)
            }
        }
        cpuWanted.withUnsafeBufferPointer { wanted in
            cpuWeights.withUnsafeBufferPointer { weights in
                cpuShare.withUnsafeMutableBufferPointer { out in
                    filler.fill(demands: wanted, weights: weights, capacity: Double(host.config.cpus * 1000), into: out)
                }
            }
        }
        var result = host.allocations
        for index in result.indices {
            result[index].memory = UInt64(memoryShare[index].rounded(.up))
            result[index].cpu = host.config.cpuModel == .quota
                ? Int(cpuShare[index].rounded(.up)) : host.vms[index].vcpus * 1000
        }
        return result
    }
}
