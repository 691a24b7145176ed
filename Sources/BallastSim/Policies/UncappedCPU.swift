import BallastCore

/// A memory-only peer as it runs on a real host: it sets no CPU cap, so each VM may use
/// all its vCPUs and the host divides CPU by the VMs' weights (their shares). Proxmox VE
/// sets a quota only when the operator gives a VM `cpulimit` (none by default); oVirt
/// MOM's auto-cputune policy, at the default `vcpu_user_limit` of 100 %, sets each VM a
/// quota of the whole host. The simulator used to leave them at the static point's CPU
/// entitlement instead, a cap neither of them sets.
struct UncappedCPU<Base: ObservingPolicy>: ObservingPolicy {
    var base: Base

    var name: String { base.name }

    mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation] {
        var result = base.decide(snapshot)
        for index in result.indices where index < snapshot.vms.count {
            result[index].cpu = max(result[index].cpu, snapshot.vms[index].spec.ceiling.cpu)
        }
        return result
    }
}
