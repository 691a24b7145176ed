/// What a guest needs now, in memory: its used memory plus a margin, and while its use
/// climbs, what it will add before Ballast can grow it again. One rule for the two places
/// that must agree: the governor never shrinks a guest below it and funds growth up to it
/// first, and the fair share reserves it, so that it never hands out memory the governor
/// would not take back (a busy guest was once left 28 MiB above its use beside an idle one
/// 120 MiB above its own, because the fair share split the budget by weight alone). Where
/// the needs do not all fit, both cut the soft part (a large guest's proportional margin,
/// the climb) first, by the same rule (`fit`).
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

    /// Used + margin + climb, bytes, with only `softShare` of the soft part (`parts`; the
    /// share a full host holds, `NeedFit.soft`); nil when the guest does not report its used
    /// memory.
    public func bytes(for estimate: DemandEstimate, softShare: Double = 1) -> UInt64? {
        parts(for: estimate).map { Self.sum($0, softShare: softShare) }
    }

    /// `firm` + `softShare` of `soft`, saturating.
    private static func sum(_ parts: (firm: UInt64, soft: UInt64), softShare: Double = 1) -> UInt64 {
        let soft = softShare >= 1 ? parts.soft : WholeUnits.down(Double(parts.soft) * max(softShare, 0))
        let (total, overflow) = parts.firm.addingReportingOverflow(soft)
        return overflow ? .max : total
    }

    /// The need in its two parts. `firm`: used memory and the margin's bytes
    /// (`marginBytes`, 64 MiB by default), which a guest keeps on any host (on real guests,
    /// one squeezed below it showed 0-7 MiB usable and stalled). `soft`: the rest of the
    /// margin (the part `marginFraction` adds for a large guest) and the climb, which give
    /// way on a host too full for every guest's need (`fit`). Nil without used memory.
    public func parts(for estimate: DemandEstimate) -> (firm: UInt64, soft: UInt64)? {
        guard let used = estimate.guestUsedMemory else { return nil }
        let proportional = WholeUnits.down(Double(used) * max(marginFraction, 0))
        let growth = estimate.guestUsedGrowth ?? 0
        let climb = growth > 0 ? WholeUnits.down(Double(growth) * climbLookahead) : 0
        let (firm, overflow) = used.addingReportingOverflow(marginBytes)
        let (soft, softOverflow) = (proportional > marginBytes ? proportional - marginBytes : 0).addingReportingOverflow(climb)
        return (overflow ? .max : firm, softOverflow ? .max : soft)
    }

    /// How much of the guests' needs a guest capacity holds, decided once for the fair
    /// share (which reserves it) and the governor (which never shrinks a guest below it):
    /// what cannot move first (configured reservations, the memory of guests without
    /// balloon statistics), then every guest's firm need (used + the margin's bytes), then
    /// every soft one (the rest of the margin, the climb), each tier cut by one fraction
    /// when it does not fit. A guest's use comes before another's insurance: when the fair
    /// share cut every need alike and the governor held each guest at its whole need, full
    /// guests stayed below their use for a whole day beside 17 GB of other guests' margins
    /// (the simulator, PlanetLab at overcommit 2.35). `each` sees every VM's tiers in order.
    public func fit(_ vms: UnsafeBufferPointer<VMView>, capacity: UInt64,
                    each: (NeedTiers) -> Void = { _ in }) -> NeedFit {
        var fixed: UInt64 = 0
        var firm: UInt64 = 0
        var soft: UInt64 = 0
        for index in vms.indices {
            let tiers = tiers(of: vms[index])
            each(tiers)
            fixed &+= tiers.base
            firm &+= tiers.firm
            soft &+= tiers.soft
        }
        return NeedFit(capacity: capacity, fixed: fixed, firm: firm, soft: soft)
    }

    /// One VM's claim in the tiers `fit` fills: `base` (its configured reservation, or
    /// all it holds when its guest reports no balloon statistics), then what its firm need
    /// adds above that, then what its soft need adds above both; each within its cap.
    public func tiers(of vm: VMView) -> NeedTiers {
        guard vm.hasBalloonStats else {
            return NeedTiers(base: vm.current.memory, firm: 0, soft: 0)
        }
        let cap = vm.spec.effectiveCap.memory
        let base = min(vm.spec.reservation.memory, cap)
        guard let parts = parts(for: vm.estimate) else { return NeedTiers(base: base, firm: 0, soft: 0) }
        let firm = min(parts.firm, cap)
        let needed = min(Self.sum(parts), cap)
        let top = max(firm, base)
        return NeedTiers(base: base, firm: firm > base ? firm - base : 0, soft: needed > top ? needed - top : 0)
    }
}

/// One VM's memory claim in tiers (`MemoryNeed.tiers(of:)`), bytes: each above the one before.
public struct NeedTiers: Sendable, Hashable {
    public var base: UInt64
    public var firm: UInt64
    public var soft: UInt64
}

/// What share of each tier of the guests' needs fits in the guest capacity
/// (`MemoryNeed.fit`): 1 for a tier that fits whole, 0 for one with no room left.
public struct NeedFit: Sendable, Hashable {
    /// The share of each guest's firm need (used + the margin's bytes, above its base) that fits.
    public var firm: Double
    /// The share of each guest's soft need (the rest of its margin, its climb) that fits
    /// beside every guest's firm need.
    public var soft: Double
}

extension NeedFit {
    /// The shares for these totals: what cannot move takes the capacity first.
    fileprivate init(capacity: UInt64, fixed: UInt64, firm: UInt64, soft: UInt64) {
        let left = capacity > fixed ? capacity - fixed : 0
        self.firm = firm > left ? Double(left) / Double(firm) : 1
        let afterFirm = left > firm ? left - firm : 0
        self.soft = soft > afterFirm ? Double(afterFirm) / Double(soft) : 1
    }
}
