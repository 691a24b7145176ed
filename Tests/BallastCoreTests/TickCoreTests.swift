import Testing
@testable import BallastCore

@Suite("Tick core")
struct TickCoreTests {
    static func sample(_ n: Int, state: VMRunState, optOut: Bool = false) -> VMSample {
        let spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: .gibibytes(4)), maxVCPUs: 2, optOut: optOut)
        return VMSample(
            id: VMID("00000000-0000-4000-8000-00000000000\(n)"), name: "vm\(n)", state: state, spec: spec,
            current: VMAllocation(memory: .gibibytes(2), cpu: 1500, vcpus: 2, cpuWeight: .standard),
            cpu: CPUCounters(usageNanos: 0), memory: MemoryCounters())
    }

    @Test("memory held by paused and opted-out VMs, and opted-out CPU, is not handed to balanced VMs")
    func heldElsewhereIsSubtracted() {
        var state = TickCore(settings: BalancerSettings(hostReserve: .zero))
        let raw = HostSnapshot(
            host: HostSample(time: 1, capacity: ResourceVector(cpu: 8000, memory: .gibibytes(16)), memoryAvailable: 0),
            vms: [Self.sample(1, state: .running), Self.sample(2, state: .paused),
                  Self.sample(3, state: .running, optOut: true), Self.sample(4, state: .shutoff)])
        let prepared = state.prepare(raw)
        let snapshot = prepared.snapshot
        #expect(snapshot.vms.map(\.name) == ["vm1"])
        #expect(snapshot.guestCapacity == ResourceVector(cpu: 6500, memory: .gibibytes(12)))
        #expect(prepared.unbalanced.map(\.name) == ["vm2", "vm3", "vm4"])
    }

    /// VMs listed out of id order come out sorted, with their own estimates, when
    /// the backend keeps its order from tick to tick and when it changes it.
    @Test func unsortedVMsAreSortedEveryTick() {
        var state = TickCore(settings: BalancerSettings(hostReserve: .zero))
        func raw(_ order: [Int], time: Double) -> HostSnapshot {
            HostSnapshot(host: HostSample(time: time, capacity: ResourceVector(cpu: 64_000, memory: .gibibytes(64)),
                                          memoryAvailable: .gibibytes(32)),
                         vms: order.map { n in
                             var vm = Self.sample(n, state: .running)
                             vm.current.cpu = 100 * n
                             return vm
                         })
        }
        for (tick, order) in [[3, 1, 4, 2, 5], [3, 1, 4, 2, 5], [5, 4, 3, 2, 1], [2, 5, 1, 3, 4]].enumerated() {
            let snapshot = state.prepare(raw(order, time: Double(tick + 1))).snapshot
            #expect(snapshot.vms.map(\.name) == ["vm1", "vm2", "vm3", "vm4", "vm5"])
            #expect(snapshot.vms.map(\.current.cpu) == [100, 200, 300, 400, 500])
        }
    }
}
