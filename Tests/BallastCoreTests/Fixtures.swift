@testable import BallastCore

/// Builders for test inputs: VM ids, specs, samples, views and requests.
enum Fixture {
    static let gib = ByteUnits.gibibyte
    static let mib = ByteUnits.mebibyte

    static func id(_ n: Int) -> VMID {
        let digits = String(n)
        return VMID("00000000-0000-0000-0000-" + String(repeating: "0", count: max(0, 12 - digits.count)) + digits)
    }

    static func spec(cpuCeiling: Int = 8000, memoryCeiling: UInt64 = 16 << 30, shares: UInt32 = 1024,
                     memoryFloor: UInt64 = 0, maxVCPUs: Int = 8, hotplug: Bool = false) -> VMSpec {
        VMSpec(cpuShares: CPUWeight(clamping: shares), memoryShares: shares, floor: ResourceVector(cpu: 0, memory: memoryFloor),
               ceiling: ResourceVector(cpu: cpuCeiling, memory: memoryCeiling), maxVCPUs: maxVCPUs,
               vcpuHotplug: hotplug)
    }

    static func request(demand: ResourceVector, cpuAhead: Int = 0, reservation: ResourceVector = .zero,
                        cap: ResourceVector = ResourceVector(cpu: 1_000_000, memory: 1 << 50),
                        shares: UInt32 = 1024, memoryShares: UInt32? = nil, active: Double = 1) -> AllocationRequest {
        AllocationRequest(demand: demand, cpuAhead: cpuAhead, reservation: reservation, cap: cap, cpuShares: shares,
                          memoryShares: memoryShares ?? shares, memoryActiveFraction: active)
    }

    static func estimate(cpu: Int, memory: UInt64, used: UInt64?, active: Double = 1,
                         confidence: Double = 1) -> DemandEstimate {
        DemandEstimate(demand: ResourceVector(cpu: cpu, memory: memory), guestUsedMemory: used,
                       memoryActiveFraction: active, confidence: confidence, signals: [])
    }

    static func view(_ n: Int, spec: VMSpec = Fixture.spec(), current: VMAllocation,
                     estimate: DemandEstimate, balloon: Bool = true) -> VMView {
        VMView(id: id(n), name: "vm-\(n)", spec: spec, current: current, estimate: estimate, hasBalloonStats: balloon)
    }

    static func allocation(memory: UInt64, cpu: Int = 2000, vcpus: Int = 2, weight: CPUWeight = .standard) -> VMAllocation {
        VMAllocation(memory: memory, cpu: cpu, vcpus: vcpus, cpuWeight: weight)
    }

    static func snapshot(_ vms: [VMView], capacity: ResourceVector = ResourceVector(cpu: 64_000, memory: 256 << 30),
                         available: UInt64? = nil, time: Double = 100) -> TickSnapshot {
        let host = HostSample(time: time, capacity: capacity, memoryAvailable: available ?? capacity.memory / 2)
        return TickSnapshot(tick: 1, time: time, host: host, guestCapacity: capacity, vms: vms)
    }

    /// A VM sample with cumulative counters, as a backend would report it.
    static func sample(_ n: Int, spec: VMSpec = Fixture.spec(), current: VMAllocation,
                       cpu: CPUCounters?, balloon: BalloonStats?, rss: UInt64? = nil,
                       notes: [String] = []) -> VMSample {
        VMSample(id: id(n), name: "vm-\(n)", state: .running, spec: spec, current: current, cpu: cpu,
                 memory: MemoryCounters(rss: rss, balloon: balloon), sampleNotes: notes)
    }
}

extension Array where Element == ResourceVector {
    var cpuTotal: Int { reduce(0) { $0 + $1.cpu } }
    var memoryTotal: UInt64 { reduce(0) { $0 + $1.memory } }
}
