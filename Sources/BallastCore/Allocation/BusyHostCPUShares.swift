/// Each VM's CPU share on a host where every VM is busy: the weighted max-min fair
/// share of the guest CPU with every VM's demand at its cap (its limit, else all its
/// vCPUs), its reservation first, by its shares. It is what a VM's CPU weight carries
/// when shares are weights (`CPUEnforcement.weight`).
///
/// Why not the share of this tick's demand estimate: the kernel divides CPU by weight
/// only among VMs that want it, and does so at every scheduler tick with the demand of
/// that moment. A weight sized to the estimate starved a VM that woke up: an idle VM
/// weighed its few millicores of demand, so when its load rose under contention it got
/// that sliver until the next tick raised it, and every weight changed whenever demand
/// moved. Weighted by its busy-host share, a VM that wakes gets its guarantee at once,
/// and its weight changes only when the VMs on the host, their limits, reservations or
/// shares, or the guest capacity change.
///
/// The result depends only on those inputs, so it is kept between ticks and the
/// allocator runs again only when one of them changed (a stable host never pays for it).
struct BusyHostCPUShares: Sendable {
    /// What the busy-host share of one VM depends on.
    private struct Claim: Equatable {
        var cap: Int
        var reservation: Int
        var shares: UInt32
    }

    /// The claims the shares were computed from, and this call's (kept for their memory).
    private var claims: [Claim] = []
    private var scratch: [Claim] = []
    private var capacity = -1
    private var shares: [Int] = []
    private var requests: [AllocationRequest] = []
    private var allocator = FairShareAllocator.Workspace()

    /// The busy-host share of each VM, in the order of `vms`, millicores.
    mutating func shares(of vms: UnsafeBufferPointer<VMView>, capacity cpuCapacity: Int,
                         settings: AllocatorSettings) -> [Int] {
        scratch.removeAll(keepingCapacity: true)
        for index in vms.indices {
            scratch.append(Claim(cap: vms[index].spec.effectiveCap.cpu, reservation: vms[index].spec.reservation.cpu,
                                 shares: vms[index].spec.cpuShares.value))
        }
        if cpuCapacity != capacity || scratch != claims {
            swap(&claims, &scratch)
            capacity = cpuCapacity
            recompute(settings: settings)
        }
        return shares
    }

    /// Runs the allocator on the recorded claims, every VM asking for its cap.
    private mutating func recompute(settings: AllocatorSettings) {
        requests.removeAll(keepingCapacity: true)
        requests.reserveCapacity(claims.count)
        for claim in claims {
            requests.append(AllocationRequest(
                demand: ResourceVector(cpu: claim.cap, memory: 0), reservation: ResourceVector(cpu: claim.reservation, memory: 0),
                cap: ResourceVector(cpu: claim.cap, memory: 0), cpuShares: claim.shares, memoryShares: 0,
                memoryActiveFraction: 1))
        }
        let allocation = FairShareAllocator.allocate(requests, capacity: ResourceVector(cpu: capacity, memory: 0),
                                                     settings: settings, reusing: &allocator)
        shares.removeAll(keepingCapacity: true)
        shares.reserveCapacity(allocation.count)
        for share in allocation { shares.append(share.cpu) }
    }
}
