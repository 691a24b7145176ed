import BallastCore

/// Deterministic synthetic inputs for the Core benchmarks and instruction counts
/// (a fixed linear congruential generator, no Foundation): the same numbers on
/// every machine and every run, so malloc and instruction counts can be compared.
public enum CoreWorkload {
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: UInt64) -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (state >> 33) % max(bound, 1)
        }
    }

    /// The order a backend lists VMs in.
    public enum Listing: Sendable {
        /// By id, as the simulator lists them: `prepare` finds them sorted.
        case byID
        /// A fixed shuffle, as libvirt lists domains (by domain id, not UUID):
        /// `prepare` puts them in id order through its cached permutation.
        case shuffled
    }

    public static func requests(_ count: Int) -> [AllocationRequest] {
        var g = Generator(state: 42)
        return (0..<count).map { _ in
            AllocationRequest(
                demand: ResourceVector(cpu: Int(100 + g.next(8_000)), memory: (1 + g.next(32)) << 30),
                reservation: ResourceVector(cpu: Int(g.next(200)), memory: g.next(2) << 29),
                cap: ResourceVector(cpu: 8_000, memory: 32 << 30),
                cpuShares: UInt32(1 + g.next(4_096)), memoryShares: 1_024,
                memoryActiveFraction: Double(g.next(1_000)) / 1_000)
        }
    }

    /// About 40 % of the summed demand: every resource is contended.
    public static func contendedCapacity(_ count: Int) -> ResourceVector {
        ResourceVector(cpu: count * 1_500, memory: UInt64(count) * (6 << 30))
    }

    static func id(_ n: Int) -> VMID {
        let digits = String(n)
        return VMID("00000000-0000-0000-0000-" + String(repeating: "0", count: 12 - digits.count) + digits)
    }

    /// A host of `count` VMs with balloon statistics and CPU counters, 4 GiB per
    /// VM of physical memory for 8 GiB configured (2× overcommit), sampled at 10 s.
    public static func host(_ count: Int, listing: Listing = .byID) -> HostSnapshot {
        var g = Generator(state: 7)
        var vms = (0..<count).map { n -> VMSample in
            let spec = VMSpec(ceiling: ResourceVector(cpu: 4_000, memory: 8 << 30), maxVCPUs: 4)
            let used = (1 + g.next(6)) << 30
            return VMSample(
                id: id(n), name: "vm-\(n)", state: .running, spec: spec,
                current: VMAllocation(memory: 8 << 30, cpu: 2_000, vcpus: 4, cpuWeight: .standard),
                cpu: CPUCounters(usageNanos: 0, periods: 0, throttledPeriods: 0, throttledNanos: 0),
                memory: MemoryCounters(rss: used, balloon: BalloonStats(
                    available: 8 << 30, usable: (8 << 30) - used, swapIn: 0, swapOut: 0, majorFaults: 0)))
        }
        if listing == .shuffled {
            var shuffle = Generator(state: 11)
            for index in vms.indices.reversed() where index > 0 {
                vms.swapAt(index, Int(shuffle.next(UInt64(index + 1))))
            }
        }
        let capacity = ResourceVector(cpu: count * 1_000, memory: UInt64(count) * (4 << 30))
        return HostSnapshot(host: HostSample(time: 0, capacity: capacity, memoryAvailable: capacity.memory / 4),
                            vms: vms)
    }

    /// Ten seconds pass: counters advance by a varying load.
    public static func advance(_ host: inout HostSnapshot) {
        host.host.time += 10
        var g = Generator(state: UInt64(host.host.time))
        for index in host.vms.indices {
            let millicores = 200 + g.next(3_000)
            host.vms[index].cpu?.usageNanos += millicores * 10_000_000
            host.vms[index].cpu?.periods? += 100
            if millicores > 2_000 { host.vms[index].cpu?.throttledPeriods? += 50 }
        }
    }
}
