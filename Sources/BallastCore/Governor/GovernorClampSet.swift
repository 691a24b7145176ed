/// The clamps imposed on one VM in one tick, as bits: the governor runs for
/// every VM every tick, and most clamps (hysteresis, above all) change nothing,
/// so their texts are looked up only when someone reads them. Bits are in the
/// order the governor applies the rules, which is the order the texts are listed in.
struct GovernorClampSet: OptionSet, Sendable, Hashable {
    let rawValue: UInt32

    static let memoryCeilingUnknown = Self(rawValue: 1 << 0)
    static let memoryNoBalloonStats = Self(rawValue: 1 << 1)
    static let missingProposal = Self(rawValue: 1 << 2)
    static let memoryFloorAboveCeiling = Self(rawValue: 1 << 3)
    static let memoryCeiling = Self(rawValue: 1 << 4)
    static let memoryIdleNoGrowth = Self(rawValue: 1 << 5)
    static let memoryEmergencyNoGrowth = Self(rawValue: 1 << 6)
    static let memoryEmergencyIdleShrink = Self(rawValue: 1 << 7)
    static let memoryLowConfidence = Self(rawValue: 1 << 8)
    static let memoryShrinkStep = Self(rawValue: 1 << 9)
    static let memoryShrinkKept = Self(rawValue: 1 << 10)
    static let memoryFloor = Self(rawValue: 1 << 11)
    static let memoryHysteresis = Self(rawValue: 1 << 12)
    static let memoryNeedFundedByRelease = Self(rawValue: 1 << 13)
    static let memoryGrowthLimited = Self(rawValue: 1 << 14)
    static let cpuCeilingUnknown = Self(rawValue: 1 << 15)
    static let cpuCeiling = Self(rawValue: 1 << 16)
    static let cpuMinimum = Self(rawValue: 1 << 17)
    static let cpuHysteresis = Self(rawValue: 1 << 18)
    static let vcpusNoHotplug = Self(rawValue: 1 << 19)
    static let vcpusBounds = Self(rawValue: 1 << 20)
    static let vcpusCooldown = Self(rawValue: 1 << 21)

    /// The clamps that explain each kind of change.
    static let memory = Self(rawValue: (1 << 15) - 1)
    static let cpuQuota = Self(rawValue: 0b1111 << 15)
    static let vcpus = Self(rawValue: 0b111 << 19)
    /// A weight is always within its range (`CPUWeight`): nothing clamps it.
    static let cpuWeight: Self = []

    static func of(_ kind: ChangeKind) -> Self {
        switch kind {
        case .memory: .memory
        case .cpuQuota: .cpuQuota
        case .vcpus: .vcpus
        case .cpuWeight: .cpuWeight
        }
    }

    /// The texts, indexed by bit position.
    private static let texts: [String] = [
        GovernorClamp.memoryCeilingUnknown, GovernorClamp.memoryNoBalloonStats, GovernorClamp.missingProposal,
        GovernorClamp.memoryFloorAboveCeiling, GovernorClamp.memoryCeiling, GovernorClamp.memoryIdleNoGrowth,
        GovernorClamp.memoryEmergencyNoGrowth, GovernorClamp.memoryEmergencyIdleShrink,
        GovernorClamp.memoryLowConfidence, GovernorClamp.memoryShrinkStep, GovernorClamp.memoryShrinkKept,
        GovernorClamp.memoryFloor, GovernorClamp.memoryHysteresis, GovernorClamp.memoryNeedFundedByRelease,
        GovernorClamp.memoryGrowthLimited, GovernorClamp.cpuCeilingUnknown, GovernorClamp.cpuCeiling,
        GovernorClamp.cpuMinimum, GovernorClamp.cpuHysteresis, GovernorClamp.vcpusNoHotplug,
        GovernorClamp.vcpusBounds, GovernorClamp.vcpusCooldown,
    ]

    /// The clamps in words, in the order they were applied.
    var texts: [String] {
        var result: [String] = []
        var bits = rawValue
        while bits != 0 {
            let position = bits.trailingZeroBitCount
            if position < Self.texts.count { result.append(Self.texts[position]) }
            bits &= bits - 1
        }
        return result
    }
}
