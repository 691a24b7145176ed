/// The built-in first stage of the policy chain (run by `TickCore.allocate`): weighted max-min fair share
/// of the guest capacity (`FairShareAllocator`), turned into full per-VM
/// allocations: the CPU share with every VM busy as the VM's weight with its limit as the
/// quota (`BusyHostCPUShares`), or this tick's share as the quota with its shares as the
/// weight (`CPUEnforcement`), vCPUs for hot-plug VMs,
/// and memory for VMs whose guest reports balloon
/// statistics (the others keep their memory and are counted at their current size).
///
/// Reasons: a VM that gets less than its estimated demand gets the numbers in
/// words ("fair share: 3.1 GiB for demand 3.5 GiB, host memory 132% committed"),
/// formatted only when the reason is read (a VM that does not change is never
/// put into words); the others get a fixed text.
/// `detailedReasons = false` uses fixed texts throughout (simulator scoring runs).
public struct FairShareStage: Sendable {
    public let name = "fair-share"
    public var settings: AllocatorSettings
    /// Each guest's need is reserved for it (the governor's rule, `MemoryNeed`).
    public var memoryNeed: MemoryNeed
    public var detailedReasons: Bool

    public init(settings: AllocatorSettings = .init(), memoryNeed: MemoryNeed = MemoryNeed(GovernorSettings()),
                detailedReasons: Bool = true) {
        self.settings = settings
        self.memoryNeed = memoryNeed
        self.detailedReasons = detailedReasons
    }

    /// Fixed reasons, shared by every VM they apply to.
    public enum Reason {
        public static let demandMet = "fair share: demand met"
        public static let demandMetWithHeadroom = "fair share: demand met, spare capacity shared by shares"
        public static let shortWithoutDetail = "fair share: host contended, less than demand"
    }

    /// A proposal with fresh scratch memory (tests).
    public func propose(_ snapshot: TickSnapshot) -> Proposal {
        var workspace = Workspace()
        return propose(snapshot, reusing: &workspace)
    }

    /// The same, with scratch memory kept between ticks by the caller (the
    /// simulator, benchmarks): requests, the allocator's arrays, and the previous
    /// proposal's entries once nobody else holds them.
    public func propose(_ snapshot: TickSnapshot, reusing workspace: inout Workspace) -> Proposal {
        var requests: [AllocationRequest] = []
        swap(&requests, &workspace.requests)
        requests.removeAll(keepingCapacity: true)
        requests.reserveCapacity(snapshot.vms.count)
        var wanted = ResourceVector.zero
        // Views are read in place (through a buffer pointer): copying one out of the
        // array would retain and release what it holds, for every VM every tick.
        snapshot.vms.withUnsafeBufferPointer { vms in
            for index in vms.indices {
                requests.append(Self.request(for: vms[index], adding: &wanted))
            }
        }
        reserveNeeds(snapshot, &requests, wanted: &wanted, scratch: &workspace.needTiers)
        let shares = FairShareAllocator.allocate(requests, capacity: snapshot.guestCapacity, settings: settings,
                                                 reusing: &workspace.allocator)
        let context = ReasonContext(
            cpuCommitted: Self.ratio(Double(wanted.cpu), Double(snapshot.guestCapacity.cpu)),
            memoryCommitted: Self.ratio(Double(wanted.memory), Double(snapshot.guestCapacity.memory)))

        var entries: [Proposal.Entry] = []
        swap(&entries, &workspace.lastEntries)
        entries.removeAll(keepingCapacity: true)
        entries.reserveCapacity(snapshot.vms.count)
        snapshot.vms.withUnsafeBufferPointer { vms in
            let busyHostShares = settings.cpuEnforcement == .weight
                ? workspace.busyHost.shares(of: vms, capacity: snapshot.guestCapacity.cpu, settings: settings) : []
            for index in vms.indices {
                entries.append(entry(for: vms[index], share: shares[index],
                                     busyHostCPU: busyHostShares.isEmpty ? 0 : busyHostShares[index],
                                     target: requests[index], context: context))
            }
        }
        workspace.requests = requests
        workspace.lastEntries = entries
        return Proposal(entries: entries)
    }

    /// Reserves each guest's need (`MemoryNeed`: used + margin + climb, up to its cap) on
    /// top of its configured reservation: the governor never shrinks a guest below it, so
    /// the fair share must not hand it to anyone else. Needs come after what cannot move
    /// (configured reservations, memory of guests without balloon statistics), and fill
    /// the capacity in `MemoryNeed.fit`'s tiers: every guest's firm need (used + the
    /// margin's bytes), then every soft one (the rest of the margin, the climb), each tier
    /// cut by one fraction when it does not fit: exactly as far as the governor will
    /// shrink a guest.
    private func reserveNeeds(_ snapshot: TickSnapshot, _ requests: inout [AllocationRequest],
                              wanted: inout ResourceVector, scratch tiers: inout [NeedTiers]) {
        tiers.removeAll(keepingCapacity: true)
        tiers.reserveCapacity(requests.count)
        let fit = snapshot.vms.withUnsafeBufferPointer { vms in
            memoryNeed.fit(vms, capacity: snapshot.guestCapacity.memory) { tiers.append($0) }
        }
        for index in requests.indices where tiers[index].firm > 0 || tiers[index].soft > 0 {
            let before = requests[index].memoryTarget
            requests[index].reservation.memory = tiers[index].base
                + WholeUnits.down(Double(tiers[index].firm) * fit.firm)
                + WholeUnits.down(Double(tiers[index].soft) * fit.soft)
            wanted.memory = wanted.memory &- before &+ requests[index].memoryTarget
        }
    }

    /// What one VM asks of the allocator; adds its target to `wanted`.
    private static func request(for vm: VMView, adding wanted: inout ResourceVector) -> AllocationRequest {
        let cap = vm.spec.effectiveCap
        var demand = vm.estimate.demand
        var reservation = vm.spec.reservation
        var memoryCap = cap.memory
        if !vm.hasBalloonStats {
            // Memory we will not touch is pinned at what the VM holds now.
            demand.memory = vm.current.memory
            reservation.memory = vm.current.memory
            memoryCap = vm.current.memory
        }
        let request = AllocationRequest(
            demand: demand, cpuAhead: vm.estimate.cpuAhead, reservation: reservation,
            cap: ResourceVector(cpu: cap.cpu, memory: memoryCap),
            cpuShares: vm.spec.cpuShares.value, memoryShares: vm.spec.memoryShares,
            memoryActiveFraction: Self.activeFractionOfDemand(vm.estimate))
        wanted.cpu += request.cpuTarget
        wanted.memory &+= request.memoryTarget
        return request
    }

    /// The part of its memory demand a VM uses, for the idle memory tax: used over the
    /// demand estimate, not over its balloon. Against the balloon, a VM given more memory
    /// looked idler, was taxed more and given less at the next tick, then looked busier
    /// and was given more: every contended VM's balloon swung by about 8 % every tick
    /// (`make demo`). Against the demand the tax still falls on memory a VM asks for but
    /// does not use (an estimate decaying after a peak), whatever its balloon.
    static func activeFractionOfDemand(_ estimate: DemandEstimate) -> Double {
        guard let used = estimate.guestUsedMemory, estimate.demand.memory > 0 else { return estimate.memoryActiveFraction }
        return min(1, Double(used) / Double(estimate.demand.memory))
    }

    /// One VM's full allocation from its share (and, when shares are weights, its
    /// busy-host CPU share for the weight).
    private func entry(for vm: VMView, share: ResourceVector, busyHostCPU: Int, target: AllocationRequest,
                       context: ReasonContext) -> Proposal.Entry {
        var allocation = vm.current
        switch settings.cpuEnforcement {
        case .weight:
            allocation.cpu = vm.spec.effectiveCap.cpu
            allocation.cpuWeight = CPUEnforcement.weight(forShare: busyHostCPU, current: vm.current.cpuWeight)
        case .quota:
            allocation.cpu = share.cpu
            allocation.cpuWeight = vm.spec.cpuShares
        }
        if vm.hasBalloonStats { allocation.memory = share.memory }
        if vm.spec.vcpuHotplug {
            let wanted = (share.cpu + 999) / 1000
            allocation.vcpus = min(max(wanted, vm.spec.minVCPUs), max(vm.spec.maxVCPUs, vm.spec.minVCPUs))
        }
        let reason = reason(for: vm, share: share, target: target, context: context)
        return Proposal.Entry(id: vm.id, allocation: allocation, deferredReason: reason, stage: name)
    }

    /// Scratch memory for `propose(_:reusing:)`: opaque, owned by one caller.
    public struct Workspace: Sendable {
        var requests: [AllocationRequest] = []
        var allocator = FairShareAllocator.Workspace()
        /// Each request's need in tiers (`MemoryNeed.tiers(of:)`).
        var needTiers: [NeedTiers] = []
        /// The previous proposal's entries, reused when the proposal is gone.
        var lastEntries: [Proposal.Entry] = []
        /// The CPU weights' shares, kept while the host's VMs and specs stay the same.
        var busyHost = BusyHostCPUShares()

        public init() {}
    }

    private struct ReasonContext {
        var cpuCommitted: Double
        var memoryCommitted: Double
    }

    private static func ratio(_ wanted: Double, _ capacity: Double) -> Double {
        capacity > 0 ? wanted / capacity : (wanted > 0 ? .infinity : 0)
    }

    /// Fixed texts are shared; a VM short of its target keeps the numbers, put into words only when read.
    private func reason(for vm: VMView, share: ResourceVector, target request: AllocationRequest,
                        context: ReasonContext) -> ProposalReason {
        let cpuTarget = request.cpuTarget
        let memoryTarget = request.memoryTarget
        let cpuShort = share.cpu < cpuTarget
        let memoryShort = vm.hasBalloonStats && share.memory < memoryTarget
        guard cpuShort || memoryShort else {
            return share.cpu > cpuTarget || share.memory > memoryTarget ? Self.demandMetWithHeadroom : Self.demandMet
        }
        guard detailedReasons else { return Self.shortWithoutDetail }
        return ProposalReason(shortfall: FairShareShortfall(
            memory: memoryShort ? (share.memory, memoryTarget) : nil, cpu: cpuShort ? (share.cpu, cpuTarget) : nil,
            memoryCommitted: context.memoryCommitted, cpuCommitted: context.cpuCommitted))
    }

    private static let demandMet = ProposalReason(Reason.demandMet)
    private static let demandMetWithHeadroom = ProposalReason(Reason.demandMetWithHeadroom)
    private static let shortWithoutDetail = ProposalReason(Reason.shortWithoutDetail)
}
