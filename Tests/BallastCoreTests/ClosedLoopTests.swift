import PropertyBased
import Testing
@testable import BallastCore

/// A tiny host with an honest observation model, to drive estimator, allocator
/// and governor together: CPU usage is capped by the quota (unmet CPU shows as
/// throttling) and, when the guests want more than the host has, divided by weight
/// (unmet CPU shows as run delay); unmet memory shows as swapping; the guest reports
/// balloon statistics.
struct LoopHost {
    struct Guest {
        var demand: ResourceVector
        var allocation: VMAllocation
        var spec: VMSpec
        var usageNanos: UInt64 = 0
        var periods: UInt64 = 0
        var throttledPeriods: UInt64 = 0
        var throttledNanos: UInt64 = 0
        var runDelayNanos: UInt64 = 0
        /// Millicores the host ran in the last interval.
        var ran = 0
        var swapIn: UInt64 = 0
        var swapOut: UInt64 = 0
    }

    var guests: [Guest]
    var capacity: ResourceVector
    var time: Double = 0

    /// Advances `dt` seconds and samples.
    mutating func sample(dt: Double) -> HostSnapshot {
        time += dt
        var vms: [VMSample] = []
        var used: UInt64 = 0
        let wanted = guests.map { min($0.demand.cpu, $0.allocation.cpu) }
        let ran = Self.divide(capacity.cpu, among: wanted, weights: guests.map { Int($0.allocation.cpuWeight.value) })
        for i in guests.indices {
            var g = guests[i]
            g.ran = ran[i]
            g.usageNanos += UInt64(Double(ran[i]) * dt * 1e6)
            g.runDelayNanos += UInt64(Double(wanted[i] - ran[i]) * dt * 1e6)
            let periods = UInt64(dt * 10)
            g.periods += periods
            if g.demand.cpu > g.allocation.cpu {
                g.throttledPeriods += periods
                g.throttledNanos += UInt64(Double(g.demand.cpu - g.allocation.cpu) * dt * 1e6)
            }
            let resident = min(g.demand.memory, g.allocation.memory)
            if g.demand.memory > g.allocation.memory {
                let paging = (g.demand.memory - g.allocation.memory) / 50
                g.swapIn += paging
                g.swapOut += paging
            }
            used += resident
            guests[i] = g
            let balloon = BalloonStats(available: g.allocation.memory, usable: g.allocation.memory - resident,
                                       swapIn: g.swapIn, swapOut: g.swapOut, majorFaults: 0, lastUpdate: time)
            vms.append(Fixture.sample(i + 1, spec: g.spec, current: g.allocation,
                                      cpu: CPUCounters(usageNanos: g.usageNanos, periods: g.periods,
                                                       throttledPeriods: g.throttledPeriods,
                                                       throttledNanos: g.throttledNanos, runDelayNanos: g.runDelayNanos),
                                      balloon: balloon))
        }
        let available = capacity.memory > used ? capacity.memory - used : 0
        return HostSnapshot(host: HostSample(time: time, capacity: capacity, memoryAvailable: available), vms: vms)
    }

    /// Weighted max-min division of `capacity` (what CFS does among runnable groups):
    /// each guest gets what it wants or its weight's part of what is left, whichever is less.
    static func divide(_ capacity: Int, among wanted: [Int], weights: [Int]) -> [Int] {
        var ran = [Int](repeating: 0, count: wanted.count)
        var open = Set(wanted.indices.filter { wanted[$0] > 0 })
        var left = capacity
        while !open.isEmpty && left > 0 {
            let weight = open.reduce(0) { $0 + weights[$1] }
            let satisfied = open.filter { wanted[$0] - ran[$0] <= left * weights[$0] / weight }
            if satisfied.isEmpty {
                for i in open { ran[i] += left * weights[i] / weight }
                break
            }
            for i in satisfied {
                left -= wanted[i] - ran[i]
                ran[i] = wanted[i]
                open.remove(i)
            }
        }
        return ran
    }

    mutating func apply(_ changes: [Change]) {
        for change in changes {
            guard let index = indexOf(change.vm) else { continue }
            switch change.adjustment {
            case .memory(_, let to): guests[index].allocation.memory = to
            case .cpuQuota(_, let to): guests[index].allocation.cpu = to
            case .vcpus(_, let to): guests[index].allocation.vcpus = to
            case .cpuWeight(_, let to): guests[index].allocation.cpuWeight = to
            }
        }
    }

    func indexOf(_ id: VMID) -> Int? {
        guests.indices.first { Fixture.id($0 + 1) == id }
    }
}

/// Estimator + allocator + governor over repeated ticks of constant input.
@Suite("Closed loop")
struct ClosedLoopTests {
    static let gib = ByteUnits.gibibyte

    struct Run {
        var changesPerTick: [Int]
        var host: LoopHost
    }

    static func run(_ host: LoopHost, ticks: Int, dt: Double = 10, enforcement: CPUEnforcement = .weight) -> Run {
        var core = core(dt: dt, enforcement: enforcement)
        return run(host, ticks: ticks, dt: dt, core: &core)
    }

    static func core(dt: Double = 10, enforcement: CPUEnforcement) -> TickCore {
        var settings = BalancerSettings(interval: dt, hostReserve: .zero)
        settings.governor.vcpuCooldown = 0
        settings.allocator.cpuEnforcement = enforcement
        return TickCore(settings: settings)
    }

    static func run(_ host: LoopHost, ticks: Int, dt: Double = 10, core: inout TickCore) -> Run {
        var host = host
        var changes: [Int] = []
        for _ in 0..<ticks {
            let decision = core.decide(host.sample(dt: dt)).decision
            host.apply(decision.changes)
            changes.append(decision.changes.count)
        }
        return Run(changesPerTick: changes, host: host)
    }

    static func guest(cpu: Int, memory: UInt64, startMemory: UInt64 = 8 << 30, shares: UInt32 = 1024) -> LoopHost.Guest {
        LoopHost.Guest(demand: ResourceVector(cpu: cpu, memory: memory),
                       allocation: Fixture.allocation(memory: startMemory, cpu: 2000, vcpus: 4),
                       spec: Fixture.spec(cpuCeiling: 4000, memoryCeiling: 16 << 30, shares: shares, maxVCPUs: 4))
    }

    @Test func uncontendedHostMeetsEveryDemandAndSettles() {
        let host = LoopHost(guests: [Self.guest(cpu: 3000, memory: 6 << 30), Self.guest(cpu: 500, memory: 2 << 30),
                                     Self.guest(cpu: 1500, memory: 10 << 30, startMemory: 4 << 30)],
                            capacity: ResourceVector(cpu: 16_000, memory: 64 << 30))
        let result = Self.run(host, ticks: 300)
        for guest in result.host.guests {
            #expect(guest.allocation.cpu >= guest.demand.cpu)
            #expect(guest.allocation.memory >= guest.demand.memory)
        }
        #expect(result.changesPerTick.suffix(50).allSatisfy { $0 == 0 })
    }

    @Test(arguments: CPUEnforcement.allCases) func contendedHostSettlesWithinCapacity(_ enforcement: CPUEnforcement) {
        let host = LoopHost(guests: [Self.guest(cpu: 4000, memory: 12 << 30), Self.guest(cpu: 4000, memory: 12 << 30),
                                     Self.guest(cpu: 500, memory: 2 << 30)],
                            capacity: ResourceVector(cpu: 6000, memory: 20 << 30))
        let result = Self.run(host, ticks: 400, enforcement: enforcement)
        let memory = result.host.guests.reduce(UInt64(0)) { $0 + $1.allocation.memory }
        #expect(memory <= 20 << 30)
        switch enforcement {
        case .quota:
            #expect(result.host.guests.reduce(0) { $0 + $1.allocation.cpu } <= 6000)
        case .weight:
            // Quotas hold only the VMs' ceilings; the weights carry the shares (in
            // millicores, adding up to the capacity within the weights' hysteresis), and
            // the host runs what they want up to its capacity.
            #expect(result.host.guests.allSatisfy { $0.allocation.cpu == 4000 })
            let weights = result.host.guests.reduce(0) { $0 + Int($1.allocation.cpuWeight.value) }
            #expect(weights <= 6600 && weights >= 5400, "weights add up to \(weights)")
            #expect(result.host.guests.reduce(0) { $0 + $1.ran } == 6000)
        }
        // The small VM runs all it wants in either mode.
        #expect(result.host.guests[2].ran == 500)
        // The small VM is fully served; the two big ones split the rest evenly.
        #expect(result.host.guests[2].allocation.memory >= 2 << 30)
        let a = Double(result.host.guests[0].allocation.memory)
        let b = Double(result.host.guests[1].allocation.memory)
        #expect(abs(a - b) / max(a, b) < 0.05)
        #expect(result.changesPerTick.suffix(50).allSatisfy { $0 == 0 })
    }

    /// Constant input converges and then stops changing, whatever the demands.
    /// Two VMs trade places between two ticks: the one that was idle wants 3 cores, the
    /// busy one drops to half a core. Until the next tick, a quota at the old share
    /// throttles the rising VM while the cores its neighbour left sit idle; a weight does not.
    @Test(arguments: CPUEnforcement.allCases) func aRiseBetweenTicksRunsOnIdleCoresOnlyWithWeights(_ enforcement: CPUEnforcement) {
        var host = LoopHost(guests: [Self.guest(cpu: 500, memory: 2 << 30), Self.guest(cpu: 3000, memory: 2 << 30)],
                            capacity: ResourceVector(cpu: 4000, memory: 16 << 30))
        var core = Self.core(enforcement: enforcement)
        host = Self.run(host, ticks: 100, core: &core).host
        host.guests[0].demand.cpu = 3000
        host.guests[1].demand.cpu = 500
        _ = host.sample(dt: 10)
        switch enforcement {
        case .weight: #expect(host.guests[0].ran == 3000)
        case .quota: #expect(host.guests[0].ran < 2000, "ran \(host.guests[0].ran) under a quota of \(host.guests[0].allocation.cpu)")
        }
        #expect(host.guests[1].ran == 500)
    }

    /// On a host too small for every demand, the idle memory tax decides who gives memory
    /// up, by the part of its memory a VM uses. Measured against the balloon, that part
    /// moved with the balloon: a VM given more looked idler, got less at the next tick,
    /// then looked busier and got more, and contended balloons swung by about 8 % every
    /// tick (`make demo`). Measured against the demand, a guest with room to spare gets the
    /// same share whatever its balloon.
    @Test func theMemoryShareOfAGuestWithRoomDoesNotFollowItsBalloon() {
        // Two VMs use 1 GiB of 2 (their estimates still decaying from the 2 GiB they were
        // first seen with), two use all of 3 GiB and swap: together they want more than
        // the 9.5 GiB host holds once each has its need.
        func shares(firstBalloonLater: UInt64) -> [UInt64] {
            let roomy = (0..<2).map { _ in Self.guest(cpu: 200, memory: 1 << 30, startMemory: 2 << 30) }
            let full = (0..<2).map { _ in Self.guest(cpu: 200, memory: 4 << 30, startMemory: 3 << 30) }
            var host = LoopHost(guests: roomy + full, capacity: ResourceVector(cpu: 16_000, memory: 19 << 29))
            var core = Self.core(enforcement: .weight)
            var proposal = Proposal()
            // Nothing is applied; only the first VM's balloon moves, after the first tick.
            for tick in 0..<6 {
                if tick == 1 { host.guests[0].allocation.memory = firstBalloonLater }
                proposal = core.decide(host.sample(dt: 10)).proposal
            }
            return proposal.entries.map(\.allocation.memory)
        }
        let kept = shares(firstBalloonLater: 2 << 30)
        let moved = shares(firstBalloonLater: 1843 << 20)
        #expect(kept == moved, "first balloon kept at 2 GiB: \(kept.map { $0 >> 20 }) MiB; at 1.8: \(moved.map { $0 >> 20 }) MiB")
        // The roomy VMs are short of their (decaying) demand: the tax is what divides.
        #expect(kept[0] < 1843 << 20 && kept[0] > 1 << 30, "\(kept[0] >> 20) MiB")
    }

    @Test(.shrinking(false)) func constantInputConverges() async {
        let guestGen = zip(Gen.int(in: 100...4000), Gen.uint64(in: (512 << 20)...(14 << 30)),
                           Gen.uint64(in: (1 << 30)...(16 << 30)))
        await propertyCheck(count: 25, input: guestGen.array(of: 2...6), Gen.uint64(in: (8 << 30)...(64 << 30))) { guests, memory in
            let host = LoopHost(guests: guests.map { Self.guest(cpu: $0.0, memory: $0.1, startMemory: $0.2) },
                                capacity: ResourceVector(cpu: 8000, memory: memory))
            let result = Self.run(host, ticks: 500)
            #expect(result.changesPerTick.suffix(40).allSatisfy { $0 == 0 }, "changes: \(result.changesPerTick.suffix(40))")
        }
    }
}
