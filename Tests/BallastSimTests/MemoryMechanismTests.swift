import BallastCore
import Testing
@testable import BallastSim

/// The simulator's memory mechanisms (issue 11 item 5): virtio-mem's block size and
/// asynchronous plug, free page reporting, KSM's savings.
@Suite("Simulated memory mechanisms")
struct MemoryMechanismTests {
    static let gib: UInt64 = .gibibytes(1)
    static let mib: UInt64 = 1 << 20

    static func host(_ model: MemoryMechanismModel, memory: UInt64 = .gibibytes(16)) -> SimulatedHost {
        SimulatedHost(config: HostConfig(cpus: 8, memory: memory, memoryMechanisms: model),
                      vms: [SimulatedVM(name: "vm", vcpus: 2, memory: .gibibytes(8))])
    }

    static func memory(_ bytes: UInt64) -> VMAllocation {
        VMAllocation(memory: bytes, cpu: 1000, vcpus: 2, cpuWeight: .standard)
    }

    @Test("virtio-mem sizes are whole blocks, rounded up and capped at the VM's size; the balloon's are to the byte")
    func blocks() {
        var virtioMem = Self.host(MemoryMechanismModel(virtioMemBlock: 128 * Self.mib))
        virtioMem.apply(Self.memory(Self.gib + 1), at: 0)
        #expect(virtioMem.allocations[0].memory == Self.gib + 128 * Self.mib)
        virtioMem.apply(Self.memory(.gibibytes(9)), at: 0)
        #expect(virtioMem.allocations[0].memory == .gibibytes(8))
        #expect(virtioMem.observe(0).spec.memoryMechanism == .virtioMem)
        var balloon = Self.host(MemoryMechanismModel())
        balloon.apply(Self.memory(Self.gib + 1), at: 0)
        #expect(balloon.allocations[0].memory == Self.gib + 1)
        #expect(balloon.observe(0).spec.memoryMechanism == nil)
    }

    @Test("with a resize latency the old size holds, shown in flight, until the latency has passed")
    func latency() {
        var host = Self.host(MemoryMechanismModel(virtioMemBlock: 2 * Self.mib, resizeLatency: 10))
        let before = host.allocations[0].memory
        host.apply(Self.memory(2 * Self.gib), at: 0)
        #expect(host.allocations[0].memory == before)
        #expect(host.observe(0).memoryTarget == 2 * Self.gib)
        host.step(cpuDemand: [500], memoryDemand: [Double(Self.gib)], seconds: 6)
        #expect(host.allocations[0].memory == before)
        // Asking again for the same size does not restart the clock.
        host.apply(Self.memory(2 * Self.gib), at: 0)
        host.step(cpuDemand: [500], memoryDemand: [Double(Self.gib)], seconds: 5)
        #expect(host.allocations[0].memory == 2 * Self.gib)
        #expect(host.observe(0).memoryTarget == nil)
        // Asking for the size in effect cancels one in flight.
        host.apply(Self.memory(3 * Self.gib), at: 0)
        host.apply(Self.memory(2 * Self.gib), at: 0)
        #expect(host.memoryInFlight(0) == nil)
        host.step(cpuDemand: [500], memoryDemand: [Double(Self.gib)], seconds: 20)
        #expect(host.allocations[0].memory == 2 * Self.gib)
    }

    /// The host memory the VM holds after using `peak` and falling back to `after`.
    static func held(_ model: MemoryMechanismModel, peak: Double, after: Double) -> (vm: UInt64, hostAvailable: UInt64) {
        var host = Self.host(model)
        host.apply(Self.memory(.gibibytes(8)), at: 0)
        host.step(cpuDemand: [500], memoryDemand: [peak], seconds: 10)
        host.step(cpuDemand: [500], memoryDemand: [after], seconds: 10)
        return (host.observe(0).memory.rss ?? 0, host.memoryAvailable)
    }

    @Test("without free page reporting a guest holds what it touched; with it, what it uses; reporting says so")
    func freePageReporting() throws {
        let peak = Double(6 * Self.gib), after = Double(Self.gib)
        let reporting = Self.held(MemoryMechanismModel(freePageReporting: true), peak: peak, after: after)
        let holding = Self.held(MemoryMechanismModel(freePageReporting: false), peak: peak, after: after)
        let old = Self.held(MemoryMechanismModel(), peak: peak, after: after)
        // Used 1 GiB plus half the free 7 GiB as cache; without reporting what the peak touched
        // stays: 6 GiB used plus half the free 2 GiB as cache.
        #expect(reporting.vm == Self.gib + UInt64(3.5 * Double(Self.gib)))
        #expect(holding.vm == 7 * Self.gib)
        #expect(old.vm == reporting.vm)
        #expect(holding.hostAvailable < reporting.hostAvailable)
        var host = Self.host(MemoryMechanismModel(freePageReporting: true))
        host.step(cpuDemand: [500], memoryDemand: [after], seconds: 10)
        let sample = host.observe(0)
        #expect(sample.spec.balloonFreePageReporting == true)
        #expect(sample.memory.hostFootprint == sample.memory.rss)
        #expect(Self.host(MemoryMechanismModel()).observe(0).memory.hostFootprint == nil)
    }

    @Test("KSM saves its share of what a guest holds beyond its use")
    func ksm() {
        let peak = Double(6 * Self.gib), after = Double(Self.gib)
        let plain = Self.held(MemoryMechanismModel(freePageReporting: false), peak: peak, after: after)
        let merged = Self.held(MemoryMechanismModel(freePageReporting: false, ksmIdleShare: 0.5), peak: peak, after: after)
        #expect(merged.vm == Self.gib + (plain.vm - Self.gib) / 2)
        #expect(merged.hostAvailable > plain.hostAvailable)
    }
}
