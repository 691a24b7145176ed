import BallastCore

/// Changes of one VM counted by kind and outcome, in a fixed small array so
/// that ten thousand VMs cost no dictionaries.
public struct ChangeCounts: Sendable, Hashable {
    public static let outcomes = ["applied", "skipped", "failed"]
    private var counts = Array(repeating: UInt64(0), count: ChangeKind.allCases.count * ChangeCounts.outcomes.count)

    public init() {}

    public mutating func count(_ kind: ChangeKind, outcome: ChangeOutcome) {
        counts[Self.index(kind, Self.outcomeIndex(outcome))] += 1
    }

    public func value(_ kind: ChangeKind, outcomeIndex: Int) -> UInt64 {
        counts[Self.index(kind, outcomeIndex)]
    }

    public var isZero: Bool { counts.allSatisfy { $0 == 0 } }

    private static func outcomeIndex(_ outcome: ChangeOutcome) -> Int {
        switch outcome {
        case .applied: 0
        case .skipped: 1
        case .failed: 2
        }
    }

    private static func index(_ kind: ChangeKind, _ outcomeIndex: Int) -> Int {
        let kindIndex = switch kind {
        case .memory: 0
        case .cpuQuota: 1
        case .vcpus: 2
        case .cpuWeight: 3
        }
        return kindIndex * outcomes.count + outcomeIndex
    }
}

/// The latest change made (or attempted) on one VM, with its reason: what
/// `/v1/state` and `ballast explain` show as "last change".
public struct LastChange: Sendable, Hashable, Codable {
    public var kind: String
    public var from: Int64
    public var to: Int64
    public var reason: String
    /// "applied", "skipped" or "failed".
    public var outcome: String
    /// Why it was skipped or how it failed; empty when applied.
    public var detail: String
    public var tick: UInt64
    public var time: Double

    public init(_ applied: AppliedChange, tick: UInt64, time: Double) {
        kind = applied.change.kind.rawValue
        (from, to) = applied.change.adjustment.wireValues
        reason = applied.explanation
        outcome = applied.outcome.label
        switch applied.outcome {
        case .applied: detail = ""
        case let .skipped(why): detail = why
        case let .failed(message): detail = message
        }
        self.tick = tick
        self.time = time
    }
}

/// One VM's rows in `/metrics`, ready to render: labels already escaped, values
/// already chosen. Built once per tick, rendered on every scrape.
public struct VMSeries: Sendable, Hashable {
    public var id: VMID
    public var name: String
    /// `domain="...",uuid="..."`, escaped for the text format.
    public var labels: [UInt8]
    /// Demand and governed allocation; `nil` for VMs present but not balanced.
    public var demand: ResourceVector?
    public var allocation: VMAllocation?
    public var confidence: Double?
    /// The configured memory floor of a balanced VM (0: none); `nil` for VMs not balanced.
    public var memoryFloor: UInt64?
    /// What is applied now (balloon size, vCPUs, weight, quota).
    public var current: VMAllocation
    public var changes: ChangeCounts
    /// Whether the guest can deflate its balloon before its OOM killer runs; `nil` where unknown.
    public var deflatesOnOOM: Bool?
    /// What the VM holds in host memory; `nil` where unknown.
    public var hostFootprint: UInt64?

    public init(id: VMID, name: String, labels: [UInt8], demand: ResourceVector?, allocation: VMAllocation?,
                confidence: Double?, memoryFloor: UInt64? = nil, current: VMAllocation, changes: ChangeCounts,
                deflatesOnOOM: Bool? = nil, hostFootprint: UInt64? = nil) {
        self.id = id
        self.name = name
        self.labels = labels
        self.demand = demand
        self.allocation = allocation
        self.confidence = confidence
        self.memoryFloor = memoryFloor
        self.current = current
        self.changes = changes
        self.deflatesOnOOM = deflatesOnOOM
        self.hostFootprint = hostFootprint
    }
}

/// What the observability state remembers about one VM across ticks. Dropped
/// as soon as the VM is no longer reported, so its series disappear with it.
struct VMHistory: Sendable {
    var name: String
    var labels: [UInt8]
    var changes = ChangeCounts()
    var lastChange: LastChange?

    init(id: VMID, name: String) {
        self.name = name
        self.labels = PrometheusText.vmLabels(name: name, uuid: id.uuid)
    }

    mutating func rename(_ newName: String, id: VMID) {
        guard newName != name else { return }
        name = newName
        labels = PrometheusText.vmLabels(name: newName, uuid: id.uuid)
    }
}
