/// The built-in first stage of the policy chain: weighted max-min fair share
/// of the guest capacity, turned into full per-VM allocations.
public struct FairShareStage: PolicyStage {
    public let name = "fair-share"
    public var settings: AllocatorSettings

    public init(settings: AllocatorSettings = .init()) {
        self.settings = settings
    }

    public func decide(_ snapshot: TickSnapshot, previous: Proposal) async throws -> Proposal {
        propose(snapshot)
    }

    /// Synchronous core, used directly by the simulator's hot loop.
    public func propose(_ snapshot: TickSnapshot) -> Proposal {
        let requests = snapshot.vms.map { vm in
            AllocationRequest(
                demand: vm.estimate.demand, reservation: vm.spec.reservation, cap: vm.spec.effectiveCap,
                cpuShares: vm.spec.cpuShares, memoryShares: vm.spec.memoryShares,
                memoryActiveFraction: vm.estimate.memoryActiveFraction)
        }
        let shares = FairShareAllocator.allocate(requests, capacity: snapshot.guestCapacity, settings: settings)
        var entries: [Proposal.Entry] = []
        entries.reserveCapacity(snapshot.vms.count)
        for (vm, share) in zip(snapshot.vms, shares) {
            var allocation = vm.current
            allocation.cpu = share.cpu
            if vm.hasBalloonStats { allocation.memory = share.memory }
            allocation.cpuWeight = vm.spec.cpuShares
            if vm.spec.vcpuHotplug {
                allocation.vcpus = min(max((share.cpu + 999) / 1000, vm.spec.minVCPUs), vm.spec.maxVCPUs)
            }
            entries.append(Proposal.Entry(id: vm.id, allocation: allocation, reason: "fair share", stage: name))
        }
        return Proposal(entries: entries)
    }
}
