import BallastCore
import Testing
@testable import BallastSim

/// The simulated host shows only what a real host shows: usage capped by the
/// entitlement, throttling and delay as the signals of unmet CPU, swap and
/// faults as the signals of unmet memory, never the demand itself.
@Suite struct ObservationModelTests {
    let gib = Double(ByteUnits.gibibyte)

    func host(cpus: Int = 8, memory: UInt64 = .gibibytes(64), model: CPUModel = .quota, vms: Int = 1) -> SimulatedHost {
        let list = (0..<vms).map { SimulatedVM(name: "vm\($0)", vcpus: 4, memory: .gibibytes(8)) }
        return SimulatedHost(config: HostConfig(cpus: cpus, memory: memory, cpuModel: model), vms: list)
    }

    func capped(_ host: inout SimulatedHost, cpu: Int, memory: UInt64) {
        for index in host.vms.indices {
            var allocation = host.allocations[index]
            allocation.cpu = cpu
            allocation.memory = memory
            host.apply(allocation, at: index)
        }
    }

    @Test func usageIsCappedAndDemandAboveTheCapIsInvisibleExceptAsThrottling() throws {
        var low = host(), high = host()
        capped(&low, cpu: 2000, memory: .gibibytes(4))
        capped(&high, cpu: 2000, memory: .gibibytes(4))
        low.step(cpuDemand: [3000], memoryDemand: [gib], seconds: 10)
        high.step(cpuDemand: [4000], memoryDemand: [gib], seconds: 10)
        let lowCPU = try #require(low.observe().vms[0].cpu)
        let highCPU = try #require(high.observe().vms[0].cpu)
        #expect(lowCPU.usageNanos == 2000 * 10 * 1_000_000)
        #expect(highCPU.usageNanos == lowCPU.usageNanos)
        #expect(try #require(lowCPU.throttledPeriods) > 0)
        #expect(try #require(highCPU.throttledNanos) > (try #require(lowCPU.throttledNanos)))
        #expect(lowCPU.runDelayNanos == 0)
    }

    @Test func noThrottlingBelowTheCap() throws {
        var vm = host()
        capped(&vm, cpu: 2000, memory: .gibibytes(4))
        vm.step(cpuDemand: [1500], memoryDemand: [gib], seconds: 10)
        let cpu = try #require(vm.observe().vms[0].cpu)
        #expect(cpu.usageNanos == 1500 * 10 * 1_000_000)
        #expect(cpu.throttledPeriods == 0 && cpu.throttledNanos == 0)
        #expect(cpu.periods == 100)
    }

    @Test func runDelayOnlyWhenTheHostIsShortOfCPU() throws {
        var busy = host(cpus: 2, vms: 2)
        capped(&busy, cpu: 4000, memory: .gibibytes(4))
        busy.step(cpuDemand: [2000, 2000], memoryDemand: [gib, gib], seconds: 1)
        let sample = busy.observe()
        #expect(sample.vms.allSatisfy { $0.cpu?.usageNanos == 1000 * 1_000_000 })
        #expect(sample.vms.allSatisfy { $0.cpu?.runDelayNanos == 1000 * 1_000_000 })
        #expect(sample.vms.allSatisfy { $0.cpu?.throttledPeriods == 0 })
    }

    @Test func cfsModeIgnoresQuotaAndSharesByWeight() throws {
        var shared = host(cpus: 3, model: .cfs, vms: 2)
        var heavy = shared.allocations[0]
        heavy.cpuWeight = CPUWeight(clamping: 2048)
        heavy.cpu = 100
        shared.apply(heavy, at: 0)
        shared.step(cpuDemand: [4000, 4000], memoryDemand: [gib, gib], seconds: 1)
        #expect(shared.deliveredCPU == [2000, 1000])
        #expect(shared.observe().vms[0].cpu?.throttledPeriods == 0)
    }

    @Test func swapAppearsOnlyWhenDemandExceedsTheBalloon() throws {
        var fits = host(), short = host()
        capped(&fits, cpu: 1000, memory: .gibibytes(4))
        capped(&short, cpu: 1000, memory: .gibibytes(4))
        fits.step(cpuDemand: [100], memoryDemand: [3.9 * gib], seconds: 10)
        short.step(cpuDemand: [100], memoryDemand: [6 * gib], seconds: 10)
        let fitsBalloon = try #require(fits.observe().vms[0].memory.balloon)
        let shortBalloon = try #require(short.observe().vms[0].memory.balloon)
        #expect(fitsBalloon.swapIn == 0 && fitsBalloon.majorFaults == 0)
        #expect(try #require(shortBalloon.swapIn) > 0 && (try #require(shortBalloon.majorFaults)) > 0)
        #expect(shortBalloon.available == .gibibytes(4))
        #expect(shortBalloon.usable == 0)
        #expect(short.deliveredMemory[0] == 4 * gib)
    }

    @Test func balloonStatisticsReportUsedMemoryAndCaches() throws {
        var vm = host()
        capped(&vm, cpu: 1000, memory: .gibibytes(4))
        vm.step(cpuDemand: [100], memoryDemand: [gib], seconds: 10)
        let balloon = try #require(vm.observe().vms[0].memory.balloon)
        #expect(balloon.available == .gibibytes(4))
        #expect(balloon.usable == .gibibytes(3))
        #expect(balloon.diskCaches == UInt64(1.5 * gib))
        #expect(balloon.unused == UInt64(1.5 * gib))
        #expect(balloon.lastUpdate == 10)
        #expect(vm.observe().vms[0].memory.rss == UInt64(2.5 * gib))
    }

    @Test func hostSwappingReclaimsCachesFirstThenWorkingSets() {
        var crowded = host(memory: .gibibytes(10), vms: 2)
        capped(&crowded, cpu: 1000, memory: .gibibytes(8))
        // Each guest uses 4 GiB with 2 GiB of cache: 12 GiB resident on 10 GiB.
        crowded.step(cpuDemand: [0, 0], memoryDemand: [4 * gib, 4 * gib], seconds: 10)
        #expect(crowded.deliveredMemory == [4 * gib, 4 * gib])
        #expect(crowded.memoryAvailable == 0)
        // 7 GiB each: 14 GiB of working sets on 10 GiB, nothing left to reclaim but them.
        crowded.step(cpuDemand: [0, 0], memoryDemand: [7 * gib, 7 * gib], seconds: 10)
        #expect(abs(crowded.deliveredMemory[0] - 5 * gib) < 1)
    }

    @Test func staticPointScalesConfiguredSizesToTheHost() {
        let vms = (0..<4).map { SimulatedVM(name: "v\($0)", vcpus: 4, memory: .gibibytes(8)) }
        let start = SimulatedHost.staticPoint(config: HostConfig(cpus: 8, memory: .gibibytes(16)), vms: vms)
        #expect(start.allSatisfy { $0.memory == .gibibytes(4) && $0.cpu == 2000 && $0.vcpus == 4 })
    }
}
