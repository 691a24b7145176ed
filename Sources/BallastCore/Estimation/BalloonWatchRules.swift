/// What the libvirt balloon watch checks between ticks, derived from the settings that
/// decide the same things inside a tick, so that an urgent tick is asked for exactly when
/// the tick would act: a guest short of its headroom (`LowHeadroomRule`), and the guests'
/// used memory entering the emergency zone of their configured budget (the governor's
/// `isEmergency` rule applied to `[host] guest_memory`).
public struct BalloonWatchRules: Sendable, Hashable {
    public var lowHeadroom: LowHeadroomRule
    /// Guests' used memory above which their budget is in emergency; nil without a
    /// configured `guest_memory` (the host's own emergency has the PSI trigger).
    public var emergencyUsed: UInt64?

    public init(lowHeadroom: LowHeadroomRule = LowHeadroomRule(), emergencyUsed: UInt64? = nil) {
        self.lowHeadroom = lowHeadroom
        self.emergencyUsed = emergencyUsed
    }

    /// The rules for `settings`: the estimator's headroom, the governor's smallest growth,
    /// and the budget's emergency line.
    public init(settings: BalancerSettings) {
        lowHeadroom = LowHeadroomRule(headroom: settings.estimator.memoryHeadroom,
                                      minimumGrowth: settings.governor.minMemoryChange)
        emergencyUsed = settings.guestCapacityLimit.flatMap { limit -> UInt64? in
            guard limit.memory != .max else { return nil }
            let free = min(max(settings.governor.emergencyFreeFraction, 0), 1) * Double(limit.memory)
            return limit.memory - UInt64(free)
        }
    }

    /// Whether guests using `used` bytes in all are in their budget's emergency zone.
    public func budgetInEmergency(used: UInt64) -> Bool {
        guard let line = emergencyUsed else { return false }
        return used > line
    }
}
