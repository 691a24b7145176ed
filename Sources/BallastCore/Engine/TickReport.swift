/// What happened to one policy stage in a tick.
public struct StageOutcome: Sendable, Hashable, Codable {
    public var stage: String
    /// "ok", or why the stage was skipped (its error), in which case the previous proposal stood.
    public var result: String
    public var seconds: Double

    public init(stage: String, result: String, seconds: Double) {
        self.stage = stage
        self.result = result
        self.seconds = seconds
    }

    public var succeeded: Bool { result == "ok" }
}

/// Everything one tick saw and did: the input to metrics, the state endpoint,
/// `explain` and the decision log.
public struct TickReport: Sendable, Hashable, Codable {
    public var snapshot: TickSnapshot
    /// VMs present but not balanced (not running, opted out), for reporting.
    public var unbalanced: [VMSample]
    public var proposal: Proposal
    public var stages: [StageOutcome]
    public var decision: GovernorDecision
    public var applied: AppliedChanges
    /// The virtio-mem devices of the VMs that have one (`VMSample.virtioMem`), for reporting.
    public var virtioMem: [VMID: VirtioMemState]

    public init(snapshot: TickSnapshot, unbalanced: [VMSample], proposal: Proposal, stages: [StageOutcome],
                decision: GovernorDecision, applied: AppliedChanges, virtioMem: [VMID: VirtioMemState] = [:]) {
        self.snapshot = snapshot
        self.unbalanced = unbalanced
        self.proposal = proposal
        self.stages = stages
        self.decision = decision
        self.applied = applied
        self.virtioMem = virtioMem
    }
}
