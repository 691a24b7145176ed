/// What the libvirt balloon watch checks between ticks, derived from the settings that
/// decide the same things inside a tick, so that an urgent tick is asked for exactly when
/// the tick would act: a guest short of its headroom (`LowHeadroomRule`), and the guests'
/// used memory entering the emergency zone of their configured budget (the governor's
/// `isEmergency` rule applied to `[host] guest_memory`).
public struct BalloonWatchRules: Sendable, Hashable {
    public var lowHeadroom: LowHeadroomRule
    /// The guests' memory budget (`[host] guest_memory`); nil when none is configured (the
    /// host's own emergency has the PSI trigger).
    public var budget: UInt64?
    /// The governor's `emergencyFreeFraction`.
    public var emergencyFreeFraction: Double

    public init(lowHeadroom: LowHeadroomRule = LowHeadroomRule(), budget: UInt64? = nil,
                emergencyFreeFraction: Double = GovernorSettings().emergencyFreeFraction) {
        self.lowHeadroom = lowHeadroom
        self.budget = budget
        self.emergencyFreeFraction = emergencyFreeFraction
    }

    /// The rules for `settings`: the estimator's headroom, the governor's smallest growth,
    /// and the budget with its emergency fraction.
    public init(settings: BalancerSettings) {
        lowHeadroom = LowHeadroomRule(headroom: settings.estimator.memoryHeadroom,
                                      minimumGrowth: settings.governor.minMemoryChange)
        budget = settings.guestCapacityLimit.map(\.memory).flatMap { $0 == .max ? nil : $0 }
        emergencyFreeFraction = settings.governor.emergencyFreeFraction
    }

    /// Whether guests using `used` bytes in all are in their budget's emergency zone
    /// (`Governor.budgetInEmergency`, the tick's own rule).
    public func budgetInEmergency(used: UInt64) -> Bool {
        guard let budget else { return false }
        return Governor.budgetInEmergency(used: used, budget: budget, fraction: emergencyFreeFraction)
    }
}
