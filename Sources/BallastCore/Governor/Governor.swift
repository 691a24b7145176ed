/// The last word before the hypervisor: clamps whatever the policy chain
/// proposed into the safety envelope (floors, ceilings, shrink steps,
/// hysteresis, hot-plug cool-down, emergency mode, dry run). Stateful only for
/// cool-downs; owned by one loop.
///
/// FIRST CUT (to be replaced by the full governor).
public struct Governor: Sendable {
    public var settings: GovernorSettings

    public init(settings: GovernorSettings = .init()) {
        self.settings = settings
    }

    public mutating func govern(_ snapshot: TickSnapshot, proposal: Proposal) -> GovernorDecision {
        var changes: [Change] = []
        var governed: [GovernedVM] = []
        for (vm, entry) in zip(snapshot.vms, proposal.entries) {
            var final = entry.allocation
            final.memory = min(max(final.memory, vm.spec.floor.memory), vm.spec.ceiling.memory)
            if final.memory != vm.current.memory {
                changes.append(Change(vm: vm.id, vmName: vm.name, kind: .memory, from: Int64(vm.current.memory),
                                      to: Int64(final.memory), reason: entry.reason))
            }
            governed.append(GovernedVM(id: vm.id, proposed: entry.allocation, final: final, clamps: []))
        }
        return GovernorDecision(changes: changes, vms: governed, emergency: false)
    }

    public mutating func retain(only ids: Set<VMID>) {}
}
