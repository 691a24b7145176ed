import BallastCore

/// A generated workload: a host and VMs whose demands follow synthetic
/// shapes (diurnal, bursts, steps, slow leak), for demos and tests.
public struct Scenario: Sendable {
    /// One VM of a scenario: size and CPU and memory shapes.
    public struct VM: Sendable, Hashable {
        public var name: String
        public var vcpus: Int
        public var memory: UInt64
        public var cpu: DemandShape
        public var memoryDemand: DemandShape

        public init(name: String, vcpus: Int, memory: UInt64, cpu: DemandShape, memoryDemand: DemandShape) {
            self.name = name
            self.vcpus = vcpus
            self.memory = memory
            self.cpu = cpu
            self.memoryDemand = memoryDemand
        }
    }

    public var name: String
    public var host: HostConfig
    /// Suggested tick, seconds.
    public var tick: Double
    public var duration: Double
    /// Seconds between generated samples.
    public var sampleStep: Double
    /// Memory overcommit the scenario is meant to run at (configured / physical).
    public var overcommit: Double
    public var vms: [VM]

    public init(name: String, host: HostConfig, tick: Double, duration: Double, sampleStep: Double,
                overcommit: Double, vms: [VM]) {
        self.name = name
        self.host = host
        self.tick = tick
        self.duration = duration
        self.sampleStep = sampleStep
        self.overcommit = overcommit
        self.vms = vms
    }

    /// The VMs as traces, bounded by each VM's size.
    public func traces(seed: UInt64) -> [VMTrace] {
        let count = max(2, Int(duration / sampleStep) + 1)
        let times = (0..<count).map { Double($0) * sampleStep }
        return vms.map { vm in
            let cpuSeed = StableHash.of(vm.name, seed: seed)
            let memorySeed = StableHash.of(vm.name, seed: seed &+ 1)
            let ceiling = Double(vm.vcpus * 1000)
            return VMTrace(name: vm.name, vcpus: vm.vcpus, memory: vm.memory, times: times,
                           cpu: vm.cpu.sample(at: times, seed: cpuSeed).map { min($0, ceiling) },
                           memoryDemand: vm.memoryDemand.sample(at: times, seed: memorySeed).map { min($0, Double(vm.memory)) })
        }
    }
}
