import BallastCore

/// Ballast itself in the comparison: the daemon's tick core (`TickCore.decide`:
/// estimator, fair share, governor) with no plugin, returning the governed
/// allocation of every VM. The simulated balloons reach their targets within the
/// tick, so a tick's shrinks make room for its growth (on a real host the growth
/// follows in the urgent tick the release brings, seconds later).
public struct BallastPolicy: ObservingPolicy {
    public let name: String
    private var core: TickCore
    private var indexByID: [VMID: Int] = [:]

    public init(settings: BalancerSettings, name: String = PolicyKind.ballast.rawValue) {
        self.core = TickCore(settings: settings, shrinksReleaseAtOnce: true)
        self.name = name
    }

    public mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation] {
        let governed = core.decide(snapshot).decision.vms
        var result = snapshot.vms.map(\.current)
        // The simulator lists every VM, running, in id order, so the governed VMs are
        // usually the host's in the same order; otherwise each is found by id (VMs
        // not balanced keep what they have).
        if governed.count == result.count, zip(governed, snapshot.vms).allSatisfy({ $0.id == $1.id }) {
            for index in result.indices { result[index] = governed[index].final }
            return result
        }
        if indexByID.count != snapshot.vms.count {
            indexByID = Dictionary(snapshot.vms.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        }
        for vm in governed {
            guard let index = indexByID[vm.id] else { continue }
            result[index] = vm.final
        }
        return result
    }
}
