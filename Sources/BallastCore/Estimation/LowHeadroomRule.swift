/// When a guest is short enough of free memory that the next tick would grow it, so that
/// the libvirt balloon watch asks for an urgent tick then and only then.
///
/// The estimator's demand is guest used + headroom, so a guest whose free memory
/// (`MemAvailable`) is below its headroom wants more; but the governor drops a growth
/// smaller than `minimumGrowth` (its `min_memory_change`), so the watch asks only once the
/// shortfall reaches that size. It asks once per shortfall: again when the shortfall grew
/// by another `minimumGrowth` (more demand came while the last answer was pending, or the
/// host could not give it), or after it fell below `minimumGrowth` (answered or gone). A
/// guest hovering just under its headroom, where the balloon watch used to ask once and
/// then stay quiet, no longer hides the next real step.
public struct LowHeadroomRule: Sendable, Hashable {
    public var headroom: MemoryHeadroom
    public var minimumGrowth: UInt64

    public init(headroom: MemoryHeadroom = EstimatorSettings().memoryHeadroom,
                minimumGrowth: UInt64 = GovernorSettings().minMemoryChange) {
        self.headroom = headroom
        self.minimumGrowth = minimumGrowth
    }

    /// Bytes by which `free` falls short of the headroom for `used`; 0 when it does not.
    public func shortfall(free: UInt64, used: UInt64) -> UInt64 {
        let wanted = headroom.bytes(forUsed: used)
        return wanted > free ? wanted - free : 0
    }

    /// Whether a shortfall seen now asks for a tick, given the shortfall last asked for
    /// (`reported`, nil when none is pending); updates `reported`.
    public func asksForTick(shortfall: UInt64, reported: inout UInt64?) -> Bool {
        let step = max(minimumGrowth, 1)
        guard shortfall >= step else {
            reported = nil
            return false
        }
        if let last = reported, shortfall < last &+ step { return false }
        reported = shortfall
        return true
    }
}
