/// What the governor made of one VM's proposed allocation: the allocation it
/// will apply and each clamp it imposed, in words (for `explain` and the log).
/// The governor's own clamps are kept as bits and listed only when read.
public struct GovernedVM: Sendable, Hashable, Codable {
    private enum Clamps: Sendable, Hashable {
        case governor(GovernorClampSet)
        case texts([String])
    }

    public var id: VMID
    public var proposed: VMAllocation
    public var final: VMAllocation
    private var clampStorage: Clamps

    /// Each clamp that applied, in words, in the order the rules ran.
    public var clamps: [String] {
        get {
            switch clampStorage {
            case .governor(let set): set.texts
            case .texts(let texts): texts
            }
        }
        set { clampStorage = .texts(newValue) }
    }

    public init(id: VMID, proposed: VMAllocation, final: VMAllocation, clamps: [String]) {
        self.id = id
        self.proposed = proposed
        self.final = final
        self.clampStorage = .texts(clamps)
    }

    init(id: VMID, proposed: VMAllocation, final: VMAllocation, clampSet: GovernorClampSet) {
        self.id = id
        self.proposed = proposed
        self.final = final
        self.clampStorage = .governor(clampSet)
    }

    public static func == (lhs: GovernedVM, rhs: GovernedVM) -> Bool {
        lhs.id == rhs.id && lhs.proposed == rhs.proposed && lhs.final == rhs.final && lhs.clamps == rhs.clamps
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(proposed)
        hasher.combine(final)
        hasher.combine(clamps)
    }

    private enum CodingKeys: String, CodingKey {
        case id, proposed, final, clamps
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try container.decode(VMID.self, forKey: .id),
                  proposed: try container.decode(VMAllocation.self, forKey: .proposed),
                  final: try container.decode(VMAllocation.self, forKey: .final),
                  clamps: try container.decode([String].self, forKey: .clamps))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(proposed, forKey: .proposed)
        try container.encode(final, forKey: .final)
        try container.encode(clamps, forKey: .clamps)
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
