import BallastCore

/// The JSON document served at `/v1/state` and read by `ballast status` and
/// `ballast explain`. Its own types (not the engine's model) so that the wire
/// schema stays stable while the model evolves; documented in docs/observability.md.
/// Units: CPU in millicores, memory in bytes, time in seconds.
public struct StateDocument: Sendable, Hashable, Codable {
    /// Bumped on any incompatible change to this document.
    public static let currentSchema = 1

    public var schema: Int
    public var version: String
    public var health: HealthStatus
    public var intervalSeconds: Double
    /// `nil` until the first tick completes (then `host` is `nil` too and `vms` empty).
    public var tick: UInt64?
    public var time: Double?
    public var emergency: Bool
    public var host: HostDocument?
    public var stages: [StageOutcome]
    public var vms: [VMDocument]
    /// Which hypervisor is balanced (added within schema 1: absent from older daemons).
    public var backend: BackendDocument?
    /// KSM as the kernel reports it and the controller decided (added within schema 1;
    /// absent from older daemons and from the simulator).
    public var ksm: KSMDocument?
    /// Where each VM's CPU share is: `"weight"` (its `cpuWeight`, millicores: its share with
    /// every VM busy) or `"quota"` (its `cpuMillicores`: this tick's share); `nil` before the first tick and from older daemons (added
    /// within schema 1). See `shareMillicores(of:)`.
    public var cpuEnforcement: String?

    /// A VM's CPU share from one of its allocations, by this document's `cpuEnforcement`.
    public func shareMillicores(of allocation: AllocationDocument) -> Int {
        cpuEnforcement == CPUEnforcement.weight.rawValue ? Int(allocation.cpuWeight) : allocation.cpuMillicores
    }

    public init(schema: Int = StateDocument.currentSchema, version: String, health: HealthStatus,
                intervalSeconds: Double, tick: UInt64?, time: Double?, emergency: Bool, host: HostDocument?,
                stages: [StageOutcome], vms: [VMDocument]) {
        self.schema = schema
        self.version = version
        self.health = health
        self.intervalSeconds = intervalSeconds
        self.tick = tick
        self.time = time
        self.emergency = emergency
        self.host = host
        self.stages = stages
        self.vms = vms
    }
}

/// The balanced hypervisor on the wire: `simulated` is true for the built-in
/// simulator, whose VMs are invented and never real.
public struct BackendDocument: Sendable, Hashable, Codable {
    public var kind: String
    public var uri: String
    public var simulated: Bool

    public init(_ identity: BackendIdentity) {
        kind = identity.kind.rawValue
        uri = identity.uri
        simulated = identity.isSimulated
    }
}

/// A CPU and memory pair on the wire.
public struct ResourcesDocument: Sendable, Hashable, Codable {
    public var cpuMillicores: Int
    public var memoryBytes: UInt64

    public init(_ vector: ResourceVector) {
        cpuMillicores = vector.cpu
        memoryBytes = vector.memory
    }
}

/// One allocation on the wire: balloon size, CPU quota, vCPUs, weight.
public struct AllocationDocument: Sendable, Hashable, Codable {
    public var memoryBytes: UInt64
    public var cpuMillicores: Int
    public var vcpus: Int
    public var cpuWeight: UInt32

    public init(_ allocation: VMAllocation) {
        memoryBytes = allocation.memory
        cpuMillicores = allocation.cpu
        vcpus = allocation.vcpus
        cpuWeight = allocation.cpuWeight.value
    }
}

/// Host capacity, what guests may have, free memory, pressure and overcommit.
public struct HostDocument: Sendable, Hashable, Codable {
    public var capacity: ResourcesDocument
    public var guestCapacity: ResourcesDocument
    public var reserve: ResourcesDocument
    public var memoryAvailableBytes: UInt64
    /// PSI `some` 10-second averages in percent, `nil` where the kernel reports none.
    public var cpuPressureSomeAvg10: Double?
    public var memoryPressureSomeAvg10: Double?
    public var memoryPressureFullAvg10: Double?
    public var cpuOvercommit: Double
    public var memoryOvercommit: Double
    public var balancedVMs: Int
    public var unbalancedVMs: Int
}

/// The estimator's view of one VM: demand, confidence and the evidence.
public struct EstimateDocument: Sendable, Hashable, Codable {
    public var demand: ResourcesDocument
    public var guestUsedMemoryBytes: UInt64?
    /// How fast the guest's used memory climbs (null when it does not): its need holds the
    /// next few seconds of it (docs/core.md, governor).
    public var guestUsedGrowthBytesPerSecond: UInt64?
    public var memoryActiveFraction: Double
    public var confidence: Double
    public var signals: [Signal]
}

/// The policy chain's final wish for one VM and who made it.
public struct ProposalDocument: Sendable, Hashable, Codable {
    public var allocation: AllocationDocument
    public var reason: String
    public var stage: String
}

/// The operator's stated intent for one VM, as Ballast read it.
public struct SpecDocument: Sendable, Hashable, Codable {
    public var cpuShares: UInt32
    public var memoryShares: UInt32
    public var reservation: ResourcesDocument
    public var floor: ResourcesDocument
    public var ceiling: ResourcesDocument
    public var cpuLimitMillicores: Int?
    public var memoryLimitBytes: UInt64?
    public var optOut: Bool
    /// The guest can deflate its balloon before its OOM killer runs (`autodeflate`);
    /// null where unknown (no balloon, the simulator). Added within schema 1.
    public var balloonDeflatesOnOOM: Bool?
    /// The guest reports the pages it frees to the host (`freePageReporting`); null where unknown.
    public var balloonFreePageReporting: Bool?

    public init(_ spec: VMSpec) {
        cpuShares = spec.cpuShares.value
        memoryShares = spec.memoryShares
        reservation = ResourcesDocument(spec.reservation)
        floor = ResourcesDocument(spec.floor)
        ceiling = ResourcesDocument(spec.ceiling)
        cpuLimitMillicores = spec.cpuLimit
        memoryLimitBytes = spec.memoryLimit
        optOut = spec.optOut
        balloonDeflatesOnOOM = spec.balloonDeflatesOnOOM
        balloonFreePageReporting = spec.balloonFreePageReporting
    }
}

/// One VM on the wire. Balanced VMs carry estimate, proposal and governed
/// result; VMs that are present but not balanced carry only what is applied.
public struct VMDocument: Sendable, Hashable, Codable {
    public var uuid: String
    public var name: String
    public var runState: String
    public var balanced: Bool
    public var spec: SpecDocument
    public var current: AllocationDocument
    public var estimate: EstimateDocument?
    public var proposed: ProposalDocument?
    /// What the governor let through this tick, and each clamp it imposed, in words.
    public var governed: AllocationDocument?
    public var clamps: [String]
    public var sampleNotes: [String]
    public var lastChange: LastChange?
    /// What the VM holds in host memory (its machine cgroup without page cache), beside
    /// `current.memoryBytes`, its balloon; null where unknown. Added within schema 1.
    public var hostMemoryBytes: UInt64? = nil
    /// The VM's virtio-mem device, where it has one Ballast resizes; `current.memoryBytes`
    /// already counts what it has plugged. Added within schema 1.
    public var virtioMem: VirtioMemDocument? = nil
}

/// A virtio-mem device in `/v1/state`: its bounds, the size Ballast asked the guest to
/// plug and what the guest has plugged, and for how long a request has gone unmet once
/// past the backend's deadline (null while met or in time).
public struct VirtioMemDocument: Sendable, Hashable, Codable {
    public var bootMemoryBytes: UInt64
    public var sizeBytes: UInt64
    public var blockBytes: UInt64
    public var requestedBytes: UInt64
    public var pluggedBytes: UInt64
    public var unmetForSeconds: Double?

    public init(_ state: VirtioMemState) {
        bootMemoryBytes = state.bootMemory
        sizeBytes = state.size
        blockBytes = state.block
        requestedBytes = state.requested
        pluggedBytes = state.plugged
        unmetForSeconds = state.unmetForSeconds
    }
}
