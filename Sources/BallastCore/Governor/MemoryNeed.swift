/// What a guest needs now, in memory: its used memory plus a margin, and while its use
/// climbs, what it will add before Ballast can grow it again. One rule for the two places
/// that must agree: the governor never shrinks a guest below it and funds growth up to it
/// first, and the fair share reserves it, so that it never hands out memory the governor
/// would not take back (a busy guest was once left 28 MiB above its use beside an idle one
/// 120 MiB above its own, because the fair share split the budget by weight alone).
public struct MemoryNeed: Sendable, Hashable {
    /// The margin above used memory: max(bytes, fraction × used).
    public var marginBytes: UInt64
    public var marginFraction: Double

    /// Seconds of a climbing guest's growth its need holds.
    public var climbLookahead: Double

    /// The most `climbLookahead` is: about the time Ballast takes to grow a guest again (its
    /// next statistics report, 2 s by default, a tick, and the balloon deflating in a busy
    /// guest). Found on real guests: a guest filling memory at 25 MiB/s with only used +
    /// 64 MiB deadlocked between two growths (the chaos suite).
    public static let longestClimbLookahead: Double = 5

    public init(marginBytes: UInt64, marginFraction: Double, climbLookahead: Double = longestClimbLookahead) {
        self.marginBytes = marginBytes
        self.marginFraction = marginFraction
        self.climbLookahead = climbLookahead
    }

    /// The governor's margins, and the short end of the estimator's growth look-ahead (an
    /// operator who turned the look-ahead off, `memory_growth_lookahead = "0s"`, gets no
    /// climb in the need either).
    public init(_ governor: GovernorSettings, memoryGrowthLookahead: Double = longestClimbLookahead) {
        let lookahead = memoryGrowthLookahead.isFinite ? max(memoryGrowthLookahead, 0) : 0
        self.init(marginBytes: governor.memoryMarginBytes, marginFraction: governor.memoryMarginFraction,
                  climbLookahead: min(lookahead, Self.longestClimbLookahead))
    }

    /// The same rule for a balancer's settings.
    public init(_ settings: BalancerSettings) {
        self.init(settings.governor, memoryGrowthLookahead: settings.estimator.memoryGrowthLookahead)
    }

    /// Used + margin + climb, bytes; nil when the guest does not report its used memory.
    public func bytes(for estimate: DemandEstimate) -> UInt64? {
        guard let used = estimate.guestUsedMemory else { return nil }
        let margin = max(marginBytes, WholeUnits.down(Double(used) * max(marginFraction, 0)))
        let growth = estimate.guestUsedGrowth ?? 0
        let climb = growth > 0 ? WholeUnits.down(Double(growth) * climbLookahead) : 0
        let (withMargin, overflow) = used.addingReportingOverflow(margin)
        let (withClimb, climbOverflow) = withMargin.addingReportingOverflow(climb)
        return overflow || climbOverflow ? .max : withClimb
    }
}
