import BallastCore

/// A VM as the simulated host knows it: identity, spec, configured size.
public struct SimulatedVM: Sendable, Hashable {
    public var id: VMID
    public var name: String
    public var spec: VMSpec
    public var vcpus: Int
    public var memory: UInt64

    public init(name: String, vcpus: Int, memory: UInt64, spec: VMSpec? = nil) {
        self.id = VMID(StableHash.uuid(for: name))
        self.name = name
        self.vcpus = vcpus
        self.memory = memory
        self.spec = spec ?? VMSpec(ceiling: ResourceVector(cpu: vcpus * 1000, memory: memory), maxVCPUs: vcpus)
    }

    public init(trace: VMTrace) {
        self.init(name: trace.name, vcpus: trace.vcpus, memory: trace.memory)
    }
}
