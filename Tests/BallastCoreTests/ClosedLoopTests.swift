import PropertyBased
import Testing
@testable import BallastCore

/// A tiny host with an honest observation model, to drive estimator, allocator
/// and governor together: usage is capped by the allocation, unmet CPU shows as
/// throttling, unmet memory as swapping, the guest reports balloon statistics.
struct LoopHost {
    struct Guest {
        var demand: ResourceVector
        var allocation: VMAllocation
        var spec: VMSpec
        var usageNanos: UInt64 = 0
        var periods: UInt64 = 0
        var throttledPeriods: UInt64 = 0
        var throttledNanos: UInt64 = 0
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
        for i in guests.indices {
            var g = guests[i]
            let ran = min(g.demand.cpu, g.allocation.cpu)
            g.usageNanos += UInt64(Double(ran) * dt * 1e6)
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
                                                       throttledNanos: g.throttledNanos),
                                      balloon: balloon))
        }
        let available = capacity.memory > used ? capacity.memory - used : 0
        return HostSnapshot(host: HostSample(time: time, capacity: capacity, memoryAvailable: available), vms: vms)
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

    static func run(_ host: LoopHost, ticks: Int, dt: Double = 10) -> Run {
        var host = host
        var settings = BalancerSettings(interval: dt, hostReserve: .zero)
        settings.governor.vcpuCooldown = 0
        var core = TickCore(settings: settings)
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

    @Test func contendedHostSettlesWithinCapacity() {
        let host = LoopHost(guests: [Self.guest(cpu: 4000, memory: 12 << 30), Self.guest(cpu: 4000, memory: 12 << 30),
                                     Self.guest(cpu: 500, memory: 2 << 30)],
                            capacity: ResourceVector(cpu: 6000, memory: 20 << 30))
        let result = Self.run(host, ticks: 400)
        let memory = result.host.guests.reduce(UInt64(0)) { $0 + $1.allocation.memory }
        let cpu = result.host.guests.reduce(0) { $0 + $1.allocation.cpu }
        #expect(memory <= 20 << 30)
        #expect(cpu <= 6000)
        // The small VM is fully served; the two big ones split the rest evenly.
        #expect(result.host.guests[2].allocation.memory >= 2 << 30)
        let a = Double(result.host.guests[0].allocation.memory)
        let b = Double(result.host.guests[1].allocation.memory)
        #expect(abs(a - b) / max(a, b) < 0.05)
        #expect(result.changesPerTick.suffix(50).allSatisfy { $0 == 0 })
    }

    /// Constant input converges and then stops changing, whatever the demands.
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
