import BallastCore

/// oVirt MOM's default balloon policy (`balloon.rules`), re-implemented from
/// its published rules (credit: oVirt MOM, GPL-2.0, github.com/oVirt/mom;
/// no code shared). Each tick:
/// - host free = MemAvailable / physical. Below the pressure threshold (20 %)
///   every guest shrinks: target = max(current × (1 - 5 %), used + free% × current),
///   where used = balloon available - unused (as MOM reads it) and free% is
///   20 % scaled by host free / threshold (at or below the critical 5 %:
///   host free - 5 %, i.e. forced swapping);
/// - otherwise every guest grows by 5 % of current, up to its configured size;
/// - a change smaller than 0.25 % of current is not made.
/// MOM manages memory only; CPU stays at its static entitlement.
public struct MOMPolicy: ObservingPolicy {
    public let name = "mom"
    public var pressureThreshold = 0.20
    public var pressureCritical = 0.05
    public var minGuestFreePercent = 0.20
    public var maxBalloonChangePercent = 0.05
    public var minBalloonChangePercent = 0.0025

    public init() {}

    public mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation] {
        let physical = Double(snapshot.host.capacity.memory)
        let hostFree = physical > 0 ? Double(snapshot.host.memoryAvailable) / physical : 0
        let underPressure = hostFree < pressureThreshold
        let guestFreePercent = hostFree <= pressureCritical
            ? hostFree - 0.05 : minGuestFreePercent * (hostFree / pressureThreshold)
        return snapshot.vms.map { vm in
            var allocation = vm.current
            guard let balloon = vm.memory.balloon, let available = balloon.available, let unused = balloon.unused else {
                return allocation
            }
            let current = Double(allocation.memory)
            var target: Double
            if underPressure {
                let used = Double(available) - Double(unused)
                let minimum = used + guestFreePercent * current
                target = max(current * (1 - maxBalloonChangePercent), minimum)
                guard target <= current else { return allocation }
            } else {
                target = min(current * (1 + maxBalloonChangePercent), Double(vm.spec.ceiling.memory))
            }
            target = max(0, target)
            if abs(target - current) > minBalloonChangePercent * current {
                allocation.memory = UInt64(target)
            }
            return allocation
        }
    }
}
