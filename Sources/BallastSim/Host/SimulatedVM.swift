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

    /// One VM per trace, both listed in VM id order: the order the engine sorts
    /// VMs in, so a host built this way is never re-sorted tick after tick.
    static func inIDOrder(_ traces: [VMTrace]) -> (vms: [SimulatedVM], traces: [VMTrace]) {
        let keyed = traces.map { (SimulatedVM(trace: $0), $0) }.sorted { $0.0.id < $1.0.id }
        return (keyed.map(\.0), keyed.map(\.1))
    }
}
