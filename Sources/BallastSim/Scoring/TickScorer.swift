import BallastCore

/// Scores one policy on one host, tick by tick: shortfall, slack, fairness
/// under contention, reaction, and the per-tick series for the report.
struct TickScorer {
    let config: HostConfig
    let vms: [SimulatedVM]
    var card = Scorecard()
    var series: TickSeries
    var traced: [VMSeries]
    private var memoryReaction: ReactionTracker
    private var cpuReaction: ReactionTracker
    private var filler = WaterFiller()
    private var memoryWeights: [Double]
    private var cpuWeights: [Double]
    private var fair: [Double]
    private var satisfaction: [Double]
    private var wanted: [Double]

    init(config: HostConfig, vms: [SimulatedVM], ticks: Int, stepWindow: Int, tracedVMs: Int) {
        self.config = config
        self.vms = vms
        series = TickSeries(ticks: ticks)
        traced = vms.prefix(tracedVMs).map { VMSeries(name: $0.name) }
        memoryReaction = ReactionTracker(sizes: vms.map { Double($0.memory) }, thresholdFraction: 0.1,
                                         window: stepWindow, censor: 360)
        cpuReaction = ReactionTracker(sizes: vms.map { Double($0.vcpus * 1000) }, thresholdFraction: 0.1,
                                      window: stepWindow, censor: 360)
        memoryWeights = vms.map { Double(max($0.spec.memoryShares, 1)) }
        cpuWeights = vms.map { Double($0.spec.cpuShares.value) }
        fair = [Double](repeating: 0, count: vms.count)
        satisfaction = fair
        wanted = fair
    }

    /// Records tick `tick` after `host.step`. `cpu`/`memory` hold the whole
    /// demand matrix (tick-major, `vms.count` per tick).
    mutating func record(tick: Int, host: SimulatedHost, cpu: UnsafeBufferPointer<Double>,
                         memory: UnsafeBufferPointer<Double>, seconds: Double) {
        let count = vms.count
        let base = tick * count
        let window = memoryReaction.window
        let before = tick >= window ? (tick - window) * count : -1
        var cpuDemandTotal = 0.0, cpuUnmet = 0.0, memoryDemandTotal = 0.0, memoryUnmet = 0.0
        var memoryAllocated = 0.0, memoryIdle = 0.0, cpuAllocated = 0.0, cpuIdle = 0.0
        var cpuWantedTotal = 0.0
        for index in 0..<count {
            let cpuDemand = cpu[base + index]
            let memoryDemand = memory[base + index]
            wanted[index] = min(cpuDemand, Double(host.vms[index].vcpus * 1000))
            cpuWantedTotal += wanted[index]
            cpuDemandTotal += cpuDemand
            memoryDemandTotal += memoryDemand
            cpuUnmet += max(0, cpuDemand - host.deliveredCPU[index])
            memoryUnmet += max(0, memoryDemand - host.deliveredMemory[index])
            let target = Double(host.allocations[index].memory)
            memoryAllocated += target
            memoryIdle += max(0, target - min(memoryDemand, target))
            cpuAllocated += host.cpuEntitlement[index]
            cpuIdle += max(0, host.cpuEntitlement[index] - host.deliveredCPU[index])
        }
        let memoryAffordable = memoryDemandTotal <= Double(config.memory)
        let cpuAffordable = cpuWantedTotal <= Double(config.cpus * 1000)
        for index in 0..<count {
            memoryReaction.record(tick: tick, vm: index, demandNow: memory[base + index],
                                  demandBefore: before >= 0 ? memory[before + index] : nil,
                                  allocation: Double(host.allocations[index].memory),
                                  affordable: memoryAffordable, into: &card.memoryReaction)
            if config.cpuModel == .quota {
                cpuReaction.record(tick: tick, vm: index, demandNow: wanted[index],
                                   demandBefore: before >= 0 ? min(cpu[before + index], Double(host.vms[index].vcpus * 1000)) : nil,
                                   allocation: host.cpuEntitlement[index], affordable: cpuAffordable, into: &card.cpuReaction)
            }
        }
        if !memoryAffordable {
            let demandRow = UnsafeBufferPointer(rebasing: memory[base..<(base + count)])
            if let jain = fairness(demands: demandRow, delivered: host.deliveredMemory, weights: memoryWeights,
                                   capacity: Double(config.memory)) {
                card.fairnessSum += jain
                card.fairnessCount += 1
                card.memoryFairnessSum += jain
                card.memoryFairnessCount += 1
            }
        }
        if !cpuAffordable {
            let wantedCopy = wanted
            let jain = wantedCopy.withUnsafeBufferPointer { row in
                fairness(demands: row, delivered: host.deliveredCPU, weights: cpuWeights,
                         capacity: Double(config.cpus * 1000))
            }
            if let jain {
                card.fairnessSum += jain
                card.fairnessCount += 1
            }
        }
        card.cpuDemand += cpuDemandTotal
        card.cpuUnmet += cpuUnmet
        card.memoryDemand += memoryDemandTotal
        card.memoryUnmet += memoryUnmet
        card.memoryAllocated += memoryAllocated
        card.memoryIdle += memoryIdle
        card.cpuAllocated += cpuAllocated
        card.cpuIdle += cpuIdle
        card.vmSeconds += Double(count) * seconds
        if tick < series.memoryDemand.count {
            series.memoryUnmet[tick] = memoryUnmet
            series.memoryDemand[tick] = memoryDemandTotal
            series.memoryAllocated[tick] = memoryAllocated
            series.memoryIdle[tick] = memoryIdle
            series.cpuUnmet[tick] = cpuUnmet
            series.cpuDemand[tick] = cpuDemandTotal
        }
        for index in traced.indices {
            traced[index].memoryDemand.append(memory[base + index])
            traced[index].memoryAllocation.append(Double(host.allocations[index].memory))
            traced[index].cpuDemand.append(cpu[base + index])
            traced[index].cpuRun.append(host.deliveredCPU[index])
        }
    }

    /// After the last tick: counts the steps still waiting to be covered.
    mutating func finish() {
        memoryReaction.finish(into: &card.memoryReaction)
        cpuReaction.finish(into: &card.cpuReaction)
    }

    /// Jain's index of min(1, received / fair share) over VMs with demand,
    /// where the fair share is the weighted max-min division of true demand.
    private mutating func fairness(demands: UnsafeBufferPointer<Double>, delivered: [Double],
                                   weights: [Double], capacity: Double) -> Double? {
        weights.withUnsafeBufferPointer { w in
            fair.withUnsafeMutableBufferPointer { out in
                filler.fill(demands: demands, weights: w, capacity: capacity, into: out)
            }
        }
        var n = 0
        for index in 0..<demands.count where demands[index] > 0 && fair[index] > 0 {
            satisfaction[n] = min(1, delivered[index] / fair[index])
            n += 1
        }
        guard n > 0 else { return nil }
        return satisfaction.withUnsafeBufferPointer { Jain.index($0, count: n) }
    }
}
