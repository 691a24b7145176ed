/// How a VM's fair share of CPU is put on the host. The share is what a VM is
/// guaranteed when every VM wants more than it gets; the question is whether it is
/// also a cap while other VMs leave cores idle.
///
/// - `weight` (the default): the VM's CPU weight (`cpu_shares`, in millicores: one core
///   weighs 1000, next to libvirt's default 1024) is its share with every VM busy
///   (`BusyHostCPUShares`), and the quota only holds the VM's limit (its
///   `limit_cpu_millicores`, else all its vCPUs). Under full contention the kernel
///   divides CPU by these weights, so each VM gets at least that share, the moment it
///   wants it; CPU another VM leaves idle goes to whoever wants it, as ESX's
///   entitlements and Proxmox's `cpuunits` work. Between two ticks a VM's demand can rise
///   past its share while a neighbour's falls: a cap would throttle the one while the
///   other's cores sit idle.
/// - `quota`: the share is also the VM's CFS bandwidth cap (`vcpu_quota`), so a VM never
///   runs above it, idle cores or not, and the weight is its shares. For hosts that sell
///   fixed CPU or must keep the guests' total under `[host] guest_cpu_millicores`, which
///   only quotas can enforce.
public enum CPUEnforcement: String, Sendable, Hashable, Codable, CaseIterable {
    case weight
    case quota

    /// A weight that differs from the VM's current one by less than this fraction of it
    /// is not applied: under contention a weight within 10 % of the share keeps the VM
    /// within 10 % of its guarantee, and a VM starting or stopping would otherwise
    /// re-weigh every other VM by a little.
    public static let weightHysteresis = 0.1

    /// The weight that carries a share of `millicores` in `weight` mode, or `current` when
    /// that is within `weightHysteresis` of it.
    public static func weight(forShare millicores: Int, current: CPUWeight) -> CPUWeight {
        let target = CPUWeight(clamping: millicores)
        let difference = abs(Double(target.value) - Double(current.value))
        return difference < weightHysteresis * Double(current.value) ? current : target
    }
}
