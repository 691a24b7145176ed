import BallastCore
import Testing
@testable import BallastSim

/// Scores of tiny runs computed by hand.
@Suite struct ScoringTests {
    static let gib = Double(ByteUnits.gibibyte)

    static func constantTrace(cpu: Double, memory: Double) -> VMTrace {
        VMTrace(name: "only", vcpus: 2, memory: .gibibytes(8), times: [0, 20], cpu: [cpu, cpu],
                memoryDemand: [memory, memory])
    }

    @Test func staticShortfallAndSlackOnOneShortVM() {
        // Host 1 core, 4 GiB; VM 2 vCPUs, 8 GiB -> static point 1000 millicores, 4 GiB.
        // Demand 1500 millicores and 6 GiB for 3 ticks: a third of each unmet, nothing idle.
        let options = ComparisonOptions(host: HostConfig(cpus: 1, memory: .gibibytes(4)), overcommit: 2,
                                        policies: [.static], tick: 10)
        let run = HostRun(traces: [Self.constantTrace(cpu: 1500, memory: 6 * Self.gib)], options: options, ticks: 3,
                          traceVMs: false)
        let card = run.run(.static).card
        #expect(abs(card.cpuShortfall - 1.0 / 3) < 1e-12)
        #expect(abs(card.memoryShortfall - 1.0 / 3) < 1e-12)
        #expect(card.slack == 0 && card.cpuSlack == 0)
        #expect(card.fairnessCount == 6 && card.fairness == 1)
        #expect(card.changes == 0)
        #expect(card.vmSeconds == 30)
    }

    @Test func slackIsAllocatedButUnused() {
        // Demand 1 GiB in a 4 GiB balloon: 3/4 idle. CPU 250 of 1000: 3/4 idle.
        let options = ComparisonOptions(host: HostConfig(cpus: 1, memory: .gibibytes(4)), overcommit: 2,
                                        policies: [.static], tick: 10)
        let card = HostRun(traces: [Self.constantTrace(cpu: 250, memory: 1 * Self.gib)], options: options, ticks: 2,
                           traceVMs: false).run(.static).card
        #expect(card.slack == 0.75 && card.cpuSlack == 0.75)
        #expect(card.memoryShortfall == 0 && card.cpuShortfall == 0)
        #expect(card.fairnessCount == 0)
    }

    @Test func oracleCoversAffordableDemandAtOnce() {
        let options = ComparisonOptions(host: HostConfig(cpus: 4, memory: .gibibytes(16)), overcommit: 1,
                                        policies: [.oracle], tick: 10)
        let card = HostRun(traces: [Self.constantTrace(cpu: 1500, memory: 6 * Self.gib)], options: options, ticks: 3,
                           traceVMs: false).run(.oracle).card
        #expect(card.memoryShortfall == 0 && card.cpuShortfall == 0 && card.slack == 0)
        // First tick: balloon 8 -> 6 GiB and quota 2000 -> 1500; then nothing changes.
        #expect(card.changes == 2)
        #expect(card.bytesBallooned == 2 * Self.gib)
        #expect(abs(card.changesPerVMHour - 2 / (30.0 / 3600)) < 1e-9)
    }

    @Test func jainIndex() {
        let equal = [1.0, 1.0]
        let skewed = [1.0, 0.0]
        #expect(equal.withUnsafeBufferPointer { Jain.index($0, count: 2) } == 1)
        #expect(skewed.withUnsafeBufferPointer { Jain.index($0, count: 2) } == 0.5)
    }

    @Test func reactionCountsTicksUntilCovered() {
        var card = ReactionScore()
        var tracker = ReactionTracker(sizes: [10], thresholdFraction: 0.1, window: 1, censor: 5)
        let demand: [Double] = [1, 1, 5, 5, 5, 5]
        let allocation: [Double] = [1, 1, 1, 1, 5, 5]
        for tick in demand.indices {
            tracker.record(tick: tick, vm: 0, demandNow: demand[tick], demandBefore: tick > 0 ? demand[tick - 1] : nil,
                           allocation: allocation[tick], affordable: true, into: &card)
        }
        #expect(card.ticks == [2] && card.neverCovered == 0)
        var censored = ReactionScore()
        var never = ReactionTracker(sizes: [10], thresholdFraction: 0.1, window: 1, censor: 3)
        for tick in demand.indices {
            never.record(tick: tick, vm: 0, demandNow: demand[tick], demandBefore: tick > 0 ? demand[tick - 1] : nil,
                         allocation: 1, affordable: true, into: &censored)
        }
        #expect(censored.ticks == [3] && censored.censored == 1 && censored.neverCovered == 1)
        // A step still open when the run ends is never covered and has no reaction time.
        var open = ReactionScore()
        var late = ReactionTracker(sizes: [10], thresholdFraction: 0.1, window: 1, censor: 360)
        for tick in demand.indices {
            late.record(tick: tick, vm: 0, demandNow: demand[tick], demandBefore: tick > 0 ? demand[tick - 1] : nil,
                        allocation: 1, affordable: true, into: &open)
        }
        late.finish(into: &open)
        #expect(open.ticks.isEmpty && open.openAtEnd == 1 && open.steps == 1 && open.neverCovered == 1)
    }

    @Test func percentilesAreNearestRank() {
        #expect(Scorecard.percentile([5, 1, 3, 2, 4], 0.5) == 3)
        #expect(Scorecard.percentile(Array(1...100), 0.99) == 99)
        #expect(Scorecard.percentile([], 0.5) == 0)
    }

    @Test func packingRespectsTheBudgetAndIsSeeded() {
        let sizes: [UInt64] = (0..<50).map { .gibibytes(UInt64(2 << ($0 % 5))) }
        let hosts = HostPacker.pack(memories: sizes, hostMemory: .gibibytes(64), overcommit: 2, seed: 3)
        #expect(hosts.flatMap { $0 }.sorted() == Array(0..<50))
        #expect(hosts.allSatisfy { $0.reduce(UInt64(0)) { $0 + sizes[$1] } <= .gibibytes(128) })
        #expect(hosts == HostPacker.pack(memories: sizes, hostMemory: .gibibytes(64), overcommit: 2, seed: 3))
    }

    @Test func sweepGridAndArguments() throws {
        #expect(OvercommitSweep.grid(from: 1, to: 2, step: 0.25) == [1, 1.25, 1.5, 1.75, 2])
        #expect(try ArgumentValues.byteSize("256GiB") == .gibibytes(256))
        #expect(try ArgumentValues.byteSize("1T") == .gibibytes(1024))
        #expect(throws: ArgumentValues.Invalid.self) { try ArgumentValues.byteSize("lots") }
        #expect(try ArgumentValues.policies("mom, oracle") == [.mom, .oracle])
        #expect(throws: ArgumentValues.Invalid.self) { try ArgumentValues.policies("mom,vmware") }
        #expect(throws: ArgumentValues.Invalid.self) { try ArgumentValues.sweep("6:1:0.5") }
        let plan = try ArgumentValues.sweepPlan("1:2:0.5:0.1")
        #expect(plan.grid == [1, 1.5, 2] && plan.refine == 0.1)
        #expect(try ArgumentValues.sweepPlan("1:2:0.5").refine == nil)
        #expect(throws: ArgumentValues.Invalid.self) { try ArgumentValues.sweepPlan("1:2:0.5:0.5") }
    }

    @Test func densityOverSeedsIsMinimumAndMedian() {
        var seeds = SeedDensity()
        for (seed, value) in [(1, 4.0), (2, 3.5), (3, 4.25), (4, 3.75), (5, 4.0)] {
            seeds.add(seed: UInt64(seed), density: [.ballast: value])
        }
        // Sorted 3.5, 3.75, 4.0, 4.0, 4.25: minimum 3.5, median 4.0.
        #expect(seeds.minimum(.ballast) == 3.5 && seeds.median(.ballast) == 4.0)
        seeds.add(seed: 6, density: [.ballast: 3.0])
        // Six: 3.0, 3.5, 3.75, 4.0, 4.0, 4.25: median (3.75 + 4.0) / 2.
        #expect(seeds.minimum(.ballast) == 3.0 && seeds.median(.ballast) == 3.875)
    }
}
