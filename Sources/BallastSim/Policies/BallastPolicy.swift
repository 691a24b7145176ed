import BallastCore

/// Ballast itself, run exactly as the daemon runs it minus the async plugin
/// chain: `BalancerState.prepare` (estimator), `FairShareStage` (allocator),
/// `BalancerState.govern` (governor); the governed changes are applied.
public struct BallastPolicy: ObservingPolicy {
    public let name = "ballast"
    private var state: BalancerState
    private let stage: FairShareStage
    private var workspace = FairShareStage.Workspace()
    private var indexByID: [VMID: Int] = [:]

    public init(settings: BalancerSettings) {
        self.state = BalancerState(settings: settings)
        self.stage = FairShareStage(settings: settings.allocator)
    }

    public mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation] {
        let tick = state.prepare(snapshot)
        let proposal = stage.propose(tick, reusing: &workspace)
        let decision = state.govern(tick, proposal: proposal)
        var result = snapshot.vms.map(\.current)
        // The simulator lists every VM, running, in id order, so the governed VMs are
        // the host's in the same order: take each final allocation where it stands
        // (the changes are exactly the knobs where it differs from the current one).
        if tick.vms.count == result.count, decision.vms.count == result.count,
           zip(decision.vms, snapshot.vms).allSatisfy({ $0.id == $1.id }) {
            for index in result.indices { result[index] = decision.vms[index].final }
            return result
        }
        if indexByID.count != snapshot.vms.count {
            indexByID = Dictionary(uniqueKeysWithValues: snapshot.vms.enumerated().map { ($1.id, $0) })
        }
        for change in decision.changes {
            guard let index = indexByID[change.vm] else { continue }
            switch change.kind {
            case .memory: result[index].memory = UInt64(max(0, change.to))
            case .cpuQuota: result[index].cpu = Int(change.to)
            case .vcpus: result[index].vcpus = Int(change.to)
            case .cpuWeight: result[index].cpuWeight = UInt32(clamping: change.to)
            }
        }
        return result
    }
}
