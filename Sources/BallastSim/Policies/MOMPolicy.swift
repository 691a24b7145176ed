import BallastCore

/// oVirt MOM's default balloon policy, re-implemented rule by rule from the
/// published rules file (credit: oVirt MOM, GPL-2.0, github.com/oVirt/mom
/// `doc/balloon.rules` at 3de1c8e; no code shared). Each tick:
/// - host free = StatAvg(host free) / physical (`Host.StatAvg "mem_free"` /
///   `Host.mem_available`); below `pressure_threshold` (20 %) every guest
///   shrinks (`shrink_guest`), otherwise every guest grows (`grow_guest`);
/// - guest used = StatAvg(balloon_cur) - StatAvg(mem_unused), means over the
///   sample history (`StatHistory`);
/// - shrink: max(cur × 0.95, balloon_min, used + free% × cur), made only if
///   not above cur; free% = 20 % × host free / 20 % (at or below the critical
///   5 %: host free - 5 %);
/// - grow (only while cur < balloon_max): max(cur × 1.05, balloon_min,
///   used + 20 % × cur), capped at balloon_max;
/// - a change of at most 0.25 % of cur is not made.
/// balloon_min is libvirt's `<memtune><min_guarantee>` (the spec's memory
/// floor), balloon_max the configured size. A guest without balloon
/// statistics is not ready for MOM and left alone. Memory only.
public struct MOMPolicy: ObservingPolicy {
    public let name = "mom"
    public var pressureThreshold = 0.20
    public var pressureCritical = 0.05
    public var minGuestFreePercent = 0.20
    public var maxBalloonChangePercent = 0.05
    public var minBalloonChangePercent = 0.0025
    /// Samples `StatAvg` averages over.
    public let historyLength: Int
    private var hostFree: StatHistory
    private var guestIDs: [VMID] = []
    private var balloonCur: [StatHistory] = []
    private var memUnused: [StatHistory] = []

    /// MOM's defaults (`doc/mom-balloon.conf`): `sample-history-length` 10
    /// samples taken every 5 s (`host-monitor-interval`, `guest-monitor-interval`).
    public static let defaultHistoryLength = 10
    public static let monitorInterval = 5.0

    /// Observations that cover MOM's history window (10 samples × 5 s = 50 s)
    /// when one observation is taken every `tick` seconds: 5 at 10-s ticks.
    public static func historyLength(tick: Double) -> Int {
        let window = Double(defaultHistoryLength) * monitorInterval
        guard tick > 0, tick.isFinite else { return defaultHistoryLength }
        return max(1, Int((window / tick).rounded()))
    }

    public init(historyLength: Int = MOMPolicy.defaultHistoryLength) {
        self.historyLength = max(1, historyLength)
        hostFree = StatHistory(length: self.historyLength)
    }

    public mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation] {
        let physical = Double(snapshot.host.capacity.memory)
        hostFree.append(Double(snapshot.host.memoryAvailable))
        let hostFreePercent = physical > 0 ? hostFree.average / physical : 0
        let underPressure = hostFreePercent < pressureThreshold
        let guestFreePercent = hostFreePercent <= pressureCritical
            ? hostFreePercent - 0.05 : minGuestFreePercent * (hostFreePercent / pressureThreshold)
        record(snapshot.vms)
        return snapshot.vms.enumerated().map { index, vm in
            var allocation = vm.current
            guard Self.reportsMOMFields(vm) else { return allocation }
            let current = Double(allocation.memory)
            let used = balloonCur[index].average - memUnused[index].average
            let balloonMin = Double(vm.spec.floor.memory)
            let balloonMax = Double(vm.spec.ceiling.memory)
            let target: Double
            if underPressure {
                let floor = max(balloonMin, used + guestFreePercent * current)
                target = max(current * (1 - maxBalloonChangePercent), floor)
                guard target <= current else { return allocation }
            } else {
                guard current < balloonMax else { return allocation }
                let floor = max(balloonMin, used + minGuestFreePercent * current)
                target = min(max(current * (1 + maxBalloonChangePercent), floor), balloonMax)
            }
            if abs(target - current) > minBalloonChangePercent * current {
                allocation.memory = UInt64(max(0, target))
            }
            return allocation
        }
    }

    /// MOM's guest monitor is ready only with the GuestMemory fields it requires
    /// (`mem_available`, `mem_unused`, `mom/Collectors/GuestMemory.py`).
    private static func reportsMOMFields(_ vm: VMSample) -> Bool {
        vm.memory.balloon?.available != nil && vm.memory.balloon?.unused != nil
    }

    /// Appends this tick's balloon_cur and mem_unused to each guest's history
    /// (a slot whose VM changed starts over: MOM's monitor for a new guest is new).
    private mutating func record(_ vms: [VMSample]) {
        if guestIDs.count != vms.count {
            guestIDs = vms.map(\.id)
            balloonCur = [StatHistory](repeating: StatHistory(length: historyLength), count: vms.count)
            memUnused = balloonCur
        }
        for (index, vm) in vms.enumerated() {
            if guestIDs[index] != vm.id {
                guestIDs[index] = vm.id
                balloonCur[index].reset()
                memUnused[index].reset()
            }
            guard Self.reportsMOMFields(vm), let unused = vm.memory.balloon?.unused else { continue }
            balloonCur[index].append(Double(vm.current.memory))
            memUnused[index].append(Double(unused))
        }
    }
}
