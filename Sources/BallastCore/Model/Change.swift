/// Which knob a change turns.
public enum ChangeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Balloon target, bytes.
    case memory
    /// CPU bandwidth cap, millicores (applied as vcpu_quota per vcpu_period).
    case cpuQuota = "cpu_quota"
    /// Online vCPU count.
    case vcpus
    /// CFS weight (cpu_shares).
    case cpuWeight = "cpu_weight"
}

/// One change the governor decided to apply to one VM, with the value before and
/// after and the reason in words. The unit of the decision log.
public struct Change: Sendable, Hashable, Codable {
    public var vm: VMID
    public var vmName: String
    public var kind: ChangeKind
    public var from: Int64
    public var to: Int64
    public var reason: String

    public init(vm: VMID, vmName: String, kind: ChangeKind, from: Int64, to: Int64, reason: String) {
        self.vm = vm
        self.vmName = vmName
        self.kind = kind
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// What became of a change at the backend.
public enum ChangeOutcome: Sendable, Hashable, Codable {
    case applied
    /// Not applied on purpose (dry run, opt-out, capability missing), with why.
    case skipped(String)
    /// The hypervisor refused; the message is the backend's error text.
    case failed(String)

    public var label: String {
        switch self {
        case .applied: "applied"
        case .skipped: "skipped"
        case .failed: "failed"
        }
    }
}

/// A change and its outcome, reported to observers and plugins.
public struct AppliedChange: Sendable, Hashable, Codable {
    public var change: Change
    public var outcome: ChangeOutcome

    public init(change: Change, outcome: ChangeOutcome) {
        self.change = change
        self.outcome = outcome
    }
}
