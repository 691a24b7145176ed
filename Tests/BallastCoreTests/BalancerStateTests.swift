import Testing
@testable import BallastCore

@Suite("Balancer state")
struct BalancerStateTests {
    static func sample(_ n: Int, state: VMRunState, optOut: Bool = false) -> VMSample {
        let spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: .gibibytes(4)), maxVCPUs: 2, optOut: optOut)
        return VMSample(
            id: VMID("00000000-0000-4000-8000-00000000000\(n)"), name: "vm\(n)", state: state, spec: spec,
            current: VMAllocation(memory: .gibibytes(2), cpu: 1500, vcpus: 2, cpuWeight: 1024),
            cpu: CPUCounters(usageNanos: 0), memory: MemoryCounters())
    }

    @Test("memory held by paused and opted-out VMs, and opted-out CPU, is not handed to balanced VMs")
    func heldElsewhereIsSubtracted() {
        var state = BalancerState(settings: BalancerSettings(hostReserve: .zero))
        let raw = HostSnapshot(
            host: HostSample(time: 1, capacity: ResourceVector(cpu: 8000, memory: .gibibytes(16)), memoryAvailable: 0),
            vms: [Self.sample(1, state: .running), Self.sample(2, state: .paused),
                  Self.sample(3, state: .running, optOut: true), Self.sample(4, state: .shutoff)])
        let snapshot = state.prepare(raw)
        #expect(snapshot.vms.map(\.name) == ["vm1"])
        #expect(snapshot.guestCapacity == ResourceVector(cpu: 6500, memory: .gibibytes(12)))
    }
}
