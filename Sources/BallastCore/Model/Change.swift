/// Which knob a change turns: the label in metrics, logs and on the plugin wire.
public enum ChangeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Guest memory target, bytes.
    case memory
    /// CPU bandwidth cap, millicores (applied as vcpu_quota per vcpu_period).
    case cpuQuota = "cpu_quota"
    /// Online vCPU count.
    case vcpus
    /// CFS weight (cpu_shares).
    case cpuWeight = "cpu_weight"
}

/// One knob's move, from the value the VM had to the value the governor settled
/// on, each in the knob's own unit. The governor has already checked every bound
/// (ceilings, floors, hot-plug, the weight's range), so an actuator takes the
/// value as it is.
public enum Adjustment: Sendable, Hashable {
    /// Guest memory target (the balloon, or a virtio-mem device), bytes.
    case memory(from: UInt64, to: UInt64)
    /// CPU bandwidth cap, millicores (1000 = one core).
    case cpuQuota(from: Int, to: Int)
    /// Online vCPU count.
    case vcpus(from: Int, to: Int)
    /// CFS weight.
    case cpuWeight(from: CPUWeight, to: CPUWeight)

    public var kind: ChangeKind {
        switch self {
        case .memory: .memory
        case .cpuQuota: .cpuQuota
        case .vcpus: .vcpus
        case .cpuWeight: .cpuWeight
        }
    }

    /// Both values as the integers the wire formats carry (JSON, log metadata):
    /// bytes, millicores, a count, a weight.
    public var wireValues: (from: Int64, to: Int64) {
        switch self {
        case .memory(let from, let to): (Int64(clamping: from), Int64(clamping: to))
        case .cpuQuota(let from, let to): (Int64(from), Int64(to))
        case .vcpus(let from, let to): (Int64(from), Int64(to))
        case .cpuWeight(let from, let to): (Int64(from.value), Int64(to.value))
        }
    }

    /// The adjustment a wire `kind`/`from`/`to` triple stands for, or `nil` when a
    /// value is out of its knob's range (a negative size, a weight outside 2...262144).
    public init?(kind: ChangeKind, from: Int64, to: Int64) {
        switch kind {
        case .memory:
            guard let from = UInt64(exactly: from), let to = UInt64(exactly: to) else { return nil }
            self = .memory(from: from, to: to)
        case .cpuQuota:
            guard let from = Int(exactly: from), let to = Int(exactly: to) else { return nil }
            self = .cpuQuota(from: from, to: to)
        case .vcpus:
            guard let from = Int(exactly: from), let to = Int(exactly: to) else { return nil }
            self = .vcpus(from: from, to: to)
        case .cpuWeight:
            guard let from = CPUWeight(exactly: from), let to = CPUWeight(exactly: to) else { return nil }
            self = .cpuWeight(from: from, to: to)
        }
    }
}

/// One change the governor decided to apply to one VM: the knob's move in its own
/// unit and the reason in words. The unit of the decision log.
public struct Change: Sendable, Hashable {
    public var vm: VMID
    public var vmName: String
    public var adjustment: Adjustment
    /// The reason as the governor left it: put into words when `reason` is read.
    public var deferredReason: ChangeReason

    public var kind: ChangeKind { adjustment.kind }

    /// Why, in words.
    public var reason: String {
        get { deferredReason.text }
        set { deferredReason = ChangeReason(newValue) }
    }

    public init(vm: VMID, vmName: String, _ adjustment: Adjustment, reason: String) {
        self.init(vm: vm, vmName: vmName, adjustment, deferredReason: ChangeReason(reason))
    }

    public init(vm: VMID, vmName: String, _ adjustment: Adjustment, deferredReason: ChangeReason) {
        self.vm = vm
        self.vmName = vmName
        self.adjustment = adjustment
        self.deferredReason = deferredReason
    }
}

/// On the wire a change is flat: `kind`, `from` and `to` as integers in the knob's
/// unit, and the reason as its text (the plugin protocol's `observe` and `/v1/state`).
extension Change: Codable {
    private enum CodingKeys: String, CodingKey {
        case vm, vmName, kind, from, to, reason
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(ChangeKind.self, forKey: .kind)
        let from = try container.decode(Int64.self, forKey: .from)
        let to = try container.decode(Int64.self, forKey: .to)
        guard let adjustment = Adjustment(kind: kind, from: from, to: to) else {
            throw DecodingError.dataCorruptedError(
                forKey: .to, in: container, debugDescription: "\(kind.rawValue) from \(from) to \(to) is out of range")
        }
        self.init(vm: try container.decode(VMID.self, forKey: .vm),
                  vmName: try container.decode(String.self, forKey: .vmName), adjustment,
                  deferredReason: try container.decode(ChangeReason.self, forKey: .reason))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let values = adjustment.wireValues
        try container.encode(vm, forKey: .vm)
        try container.encode(vmName, forKey: .vmName)
        try container.encode(kind, forKey: .kind)
        try container.encode(values.from, forKey: .from)
        try container.encode(values.to, forKey: .to)
        try container.encode(deferredReason, forKey: .reason)
    }
}

/// Why a change is made: the proposing stage's reason plus the clamps the
/// governor imposed ("... [clamped: memory: shrink limited per tick]"), put into
/// words only when read, because the simulator applies hundreds of changes a
/// tick and reads none of their reasons. Equal when the texts are equal.
///
/// A reason given as text is a base reason with no clamps, so that this is a struct
/// with one optional string inside (`ProposalReason` says why that matters).
public struct ChangeReason: DeferredReason {
    let base: ProposalReason
    let clamps: GovernorClampSet
    /// Named in the text when the floor clamp applied.
    let floor: UInt64?

    public init(_ text: String) {
        self.init(base: ProposalReason(text), clamps: [], floor: nil)
    }

    /// `floor` is named in the text when the floor clamp applied.
    init(base: ProposalReason, clamps: GovernorClampSet, floor: UInt64?) {
        self.base = base
        self.clamps = clamps
        self.floor = floor
    }

    public var text: String {
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

    public var literalText: String? {
        clamps.isEmpty ? base.literalText : nil
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
    /// How the actuator carried the change out, where there was more than one way
    /// ("offlined in the guest through the guest agent"); `nil` otherwise.
    public var how: String?

    public init(change: Change, outcome: ChangeOutcome, how: String? = nil) {
        self.change = change
        self.outcome = outcome
        self.how = how
    }

    /// The reason, followed by how it was done when the actuator said: what the
    /// decision log and `/v1/state` show.
    public var explanation: String {
        guard let how else { return change.reason }
        return change.reason + "; " + how
    }
}
