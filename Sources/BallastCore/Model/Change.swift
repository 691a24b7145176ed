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
    /// The reason as the governor left it: put into words when `reason` is read.
    public var deferredReason: ChangeReason

    /// Why, in words.
    public var reason: String {
        get { deferredReason.text }
        set { deferredReason = ChangeReason(newValue) }
    }

    public init(vm: VMID, vmName: String, kind: ChangeKind, from: Int64, to: Int64, reason: String) {
        self.init(vm: vm, vmName: vmName, kind: kind, from: from, to: to, deferredReason: ChangeReason(reason))
    }

    public init(vm: VMID, vmName: String, kind: ChangeKind, from: Int64, to: Int64, deferredReason: ChangeReason) {
        self.vm = vm
        self.vmName = vmName
        self.kind = kind
        self.from = from
        self.to = to
        self.deferredReason = deferredReason
    }

    /// On the wire the reason is its text, under `reason`.
    private enum CodingKeys: String, CodingKey {
        case vm, vmName, kind, from, to
        case deferredReason = "reason"
    }
}

/// Why a change is made: the proposing stage's reason plus the clamps the
/// governor imposed ("... [clamped: memory: shrink limited per tick]"), put into
/// words only when read, because the simulator applies hundreds of changes a
/// tick and reads none of their reasons. Equal when the texts are equal.
public struct ChangeReason: DeferredReason {
    enum Storage: Sendable {
        case text(String)
        case governed(base: ProposalReason, clamps: GovernorClampSet, floor: UInt64?)
    }

    let storage: Storage

    public init(_ text: String) {
        storage = .text(text)
    }

    /// `floor` is named in the text when the floor clamp applied.
    init(base: ProposalReason, clamps: GovernorClampSet, floor: UInt64?) {
        storage = .governed(base: base, clamps: clamps, floor: floor)
    }

    public var text: String {
        switch storage {
        case .text(let text):
            return text
        case .governed(let base, let clamps, let floor):
            var text = base.text
            guard !clamps.isEmpty else { return text }
            text += " [clamped: "
            for (index, clamp) in clamps.texts.enumerated() {
                if index > 0 { text += "; " }
                text += clamp
            }
            text += "]"
            if let floor, clamps.contains(.memoryFloor) {
                text += " (floor "
                ReasonText.appendBytes(floor, to: &text)
                text += ")"
            }
            return text
        }
    }

    public var literalText: String? {
        if case .text(let text) = storage { return text }
        return nil
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
