/// What the governor made of one VM's proposed allocation: the allocation it
/// will apply and each clamp it imposed, in words (for `explain` and the log).
public struct GovernedVM: Sendable, Hashable, Codable {
    public var id: VMID
    public var proposed: VMAllocation
    public var final: VMAllocation
    public var clamps: [String]

    public init(id: VMID, proposed: VMAllocation, final: VMAllocation, clamps: [String]) {
        self.id = id
        self.proposed = proposed
        self.final = final
        self.clamps = clamps
    }
}

/// The governor's output for a tick: the changes to apply, the per-VM result
/// (aligned with `TickSnapshot.vms`), and whether emergency mode was on.
public struct GovernorDecision: Sendable, Hashable, Codable {
    public var changes: [Change]
    public var vms: [GovernedVM]
    public var emergency: Bool

    public init(changes: [Change], vms: [GovernedVM], emergency: Bool) {
        self.changes = changes
        self.vms = vms
        self.emergency = emergency
    }
}
