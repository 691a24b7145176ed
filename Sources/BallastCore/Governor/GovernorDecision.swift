/// What the governor made of one VM's proposed allocation: the allocation it
/// will apply and each clamp it imposed, in words (for `explain` and the log).
/// The governor's own clamps are kept as bits and listed only when read.
public struct GovernedVM: Sendable, Hashable, Codable {
    /// Equal, hashed and encoded by their texts, however they are stored.
    private enum Clamps: Sendable, Hashable, Codable {
        case governor(GovernorClampSet)
        case texts([String])

        var texts: [String] {
            switch self {
            case .governor(let set): set.texts
            case .texts(let texts): texts
            }
        }

        static func == (lhs: Clamps, rhs: Clamps) -> Bool { lhs.texts == rhs.texts }
        func hash(into hasher: inout Hasher) { hasher.combine(texts) }

        init(from decoder: any Decoder) throws {
            self = .texts(try decoder.singleValueContainer().decode([String].self))
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(texts)
        }
    }

    public var id: VMID
    public var proposed: VMAllocation
    public var final: VMAllocation
    private var clampStorage: Clamps

    /// Each clamp that applied, in words, in the order the rules ran.
    public var clamps: [String] {
        get { clampStorage.texts }
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

    /// On the wire the clamps are their texts, under `clamps`.
    private enum CodingKeys: String, CodingKey {
        case id, proposed, final
        case clampStorage = "clamps"
    }
}

/// The governor's output for a tick: the changes to apply, the per-VM result
/// (aligned with `TickSnapshot.vms`), whether emergency mode was on, and whether
/// growth waits for memory that shrinking guests are still releasing.
public struct GovernorDecision: Sendable, Hashable, Codable {
    public var changes: [Change]
    public var vms: [GovernedVM]
    public var emergency: Bool
    /// Growth was cut to the room free now while some guest is releasing memory: a tick
    /// once the release is done grows it further (`Backend.growthAwaitsRelease`).
    public var growthAwaitsRelease: Bool

    public init(changes: [Change], vms: [GovernedVM], emergency: Bool, growthAwaitsRelease: Bool = false) {
        self.changes = changes
        self.vms = vms
        self.emergency = emergency
        self.growthAwaitsRelease = growthAwaitsRelease
    }
}
