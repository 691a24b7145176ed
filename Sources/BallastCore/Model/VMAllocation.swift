/// The knobs Ballast turns on one VM, as applied or as proposed.
///
/// - `memory`: balloon target in bytes (what the guest may use).
/// - `cpu`: CPU bandwidth cap in millicores (libvirt `vcpu_quota` = cpu / vcpus of
///   each `vcpu_period`): the VM's CPU share when shares are quotas, its limit when
///   they are weights (`CPUEnforcement`).
/// - `vcpus`: online vCPU count.
/// - `cpuWeight`: CFS weight (libvirt `cpu_shares`): the VM's CPU share with every VM
///   busy, in millicores, when shares are weights (`BusyHostCPUShares`), its configured
///   shares when they are quotas.
public struct VMAllocation: Sendable, Hashable, Codable {
    public var memory: UInt64
    public var cpu: Int
    public var vcpus: Int
    public var cpuWeight: CPUWeight

    public init(memory: UInt64, cpu: Int, vcpus: Int, cpuWeight: CPUWeight) {
        self.memory = memory
        self.cpu = cpu
        self.vcpus = vcpus
        self.cpuWeight = cpuWeight
    }

    public var resources: ResourceVector { ResourceVector(cpu: cpu, memory: memory) }

    /// The VM's CPU share, millicores: its weight (its share with every VM busy) when
    /// shares are weights, its quota (this tick's share) when they are quotas (`CPUEnforcement`).
    public func cpuShare(under enforcement: CPUEnforcement) -> Int {
        switch enforcement {
        case .weight: Int(cpuWeight.value)
        case .quota: cpu
        }
    }
}

/// One stage's wish for one VM: any subset of the knobs, and why. Stages
/// (the built-in allocator, plugins) return these; fields left `nil` keep the
/// previous stage's value.
public struct AllocationProposal: Sendable, Hashable, Codable {
    public var memory: UInt64?
    public var cpu: Int?
    public var vcpus: Int?
    public var cpuWeight: CPUWeight?
    /// Human-readable reason, shown in logs, `explain` and metrics.
    public var reason: String

    public init(memory: UInt64? = nil, cpu: Int? = nil, vcpus: Int? = nil, cpuWeight: CPUWeight? = nil, reason: String) {
        self.memory = memory
        self.cpu = cpu
        self.vcpus = vcpus
        self.cpuWeight = cpuWeight
        self.reason = reason
    }
}

/// A complete proposal for the tick: one full allocation per balanced VM, in
/// the same order as `TickSnapshot.vms`, each with the reason that produced it
/// and the stage that last touched it. Arrays, not dictionaries, because the
/// simulator runs this path millions of times.
public struct Proposal: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var id: VMID
        public var allocation: VMAllocation
        /// The reason as the stage left it: put into words when `reason` is read.
        public var deferredReason: ProposalReason
        public var stage: String

        /// Why, in words.
        public var reason: String {
            get { deferredReason.text }
            set { deferredReason = ProposalReason(newValue) }
        }

        public init(id: VMID, allocation: VMAllocation, reason: String, stage: String) {
            self.init(id: id, allocation: allocation, deferredReason: ProposalReason(reason), stage: stage)
        }

        public init(id: VMID, allocation: VMAllocation, deferredReason: ProposalReason, stage: String) {
            self.id = id
            self.allocation = allocation
            self.deferredReason = deferredReason
            self.stage = stage
        }

        /// On the wire the reason is its text, under `reason`.
        private enum CodingKeys: String, CodingKey {
            case id, allocation, stage
            case deferredReason = "reason"
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// The starting proposal: every VM keeps what it has.
    public static func keepCurrent(_ snapshot: TickSnapshot) -> Proposal {
        Proposal(entries: snapshot.vms.map {
            Entry(id: $0.id, allocation: $0.current, reason: "unchanged", stage: "current")
        })
    }

    /// Applies a stage's partial proposals on top of this one. VMs the proposal
    /// does not hold are ignored here; the stage adapter validates and reports them.
    public func merging(_ partial: [VMID: AllocationProposal], stage: String) -> Proposal {
        guard !partial.isEmpty else { return self }
        var merged = self
        for index in merged.entries.indices {
            guard let wish = partial[merged.entries[index].id] else { continue }
            var entry = merged.entries[index]
            if let memory = wish.memory { entry.allocation.memory = memory }
            if let cpu = wish.cpu { entry.allocation.cpu = cpu }
            if let vcpus = wish.vcpus { entry.allocation.vcpus = vcpus }
            if let weight = wish.cpuWeight { entry.allocation.cpuWeight = weight }
            entry.deferredReason = ProposalReason(wish.reason)
            entry.stage = stage
            merged.entries[index] = entry
        }
        return merged
    }
}
