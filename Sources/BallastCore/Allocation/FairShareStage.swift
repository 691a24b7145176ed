/// The built-in first stage of the policy chain: weighted max-min fair share
/// of the guest capacity (`FairShareAllocator`), turned into full per-VM
/// allocations: CPU entitlement (applied as a quota), vCPUs for hot-plug VMs,
/// CPU weight from shares, and memory for VMs whose guest reports balloon
/// statistics (the others keep their memory and are counted at their current size).
///
/// Reasons: a VM that gets less than its estimated demand gets the numbers in
/// words ("fair share: 3.1 GiB for demand 3.5 GiB, host memory 132% committed");
/// the others get a fixed text, so an uncontended tick formats nothing.
/// `detailedReasons = false` uses fixed texts throughout (simulator scoring runs).
public struct FairShareStage: PolicyStage {
    public let name = "fair-share"
    public var settings: AllocatorSettings
    public var detailedReasons: Bool

    public init(settings: AllocatorSettings = .init(), detailedReasons: Bool = true) {
        self.settings = settings
        self.detailedReasons = detailedReasons
    }

    public func decide(_ snapshot: TickSnapshot, previous: Proposal) async throws -> Proposal {
        propose(snapshot)
    }

    /// Fixed reasons, shared by every VM they apply to.
    public enum Reason {
        public static let demandMet = "fair share: demand met"
        public static let demandMetWithHeadroom = "fair share: demand met, spare capacity shared by shares"
        public static let shortWithoutDetail = "fair share: host contended, less than demand"
    }

    /// Synchronous core, used directly by the simulator's hot loop.
    public func propose(_ snapshot: TickSnapshot) -> Proposal {
        var requests: [AllocationRequest] = []
        requests.reserveCapacity(snapshot.vms.count)
        var cpuWanted = 0
        var memoryWanted: UInt64 = 0
        for vm in snapshot.vms {
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
            cpuWanted += max(reservation.cpu, min(demand.cpu, cap.cpu))
            memoryWanted &+= max(reservation.memory, min(demand.memory, memoryCap))
            requests.append(AllocationRequest(
                demand: demand, reservation: reservation, cap: ResourceVector(cpu: cap.cpu, memory: memoryCap),
                cpuShares: vm.spec.cpuShares, memoryShares: vm.spec.memoryShares,
                memoryActiveFraction: vm.estimate.memoryActiveFraction))
        }
        let shares = FairShareAllocator.allocate(requests, capacity: snapshot.guestCapacity, settings: settings)
        let context = ReasonContext(
            cpuCommitted: Self.ratio(Double(cpuWanted), Double(snapshot.guestCapacity.cpu)),
            memoryCommitted: Self.ratio(Double(memoryWanted), Double(snapshot.guestCapacity.memory)))

        var entries: [Proposal.Entry] = []
        entries.reserveCapacity(snapshot.vms.count)
        for index in snapshot.vms.indices {
            let vm = snapshot.vms[index]
            let share = shares[index]
            var allocation = vm.current
            allocation.cpu = share.cpu
            if vm.hasBalloonStats { allocation.memory = share.memory }
            allocation.cpuWeight = vm.spec.cpuShares
            if vm.spec.vcpuHotplug {
                let wanted = (share.cpu + 999) / 1000
                allocation.vcpus = min(max(wanted, vm.spec.minVCPUs), max(vm.spec.maxVCPUs, vm.spec.minVCPUs))
            }
            let reason = reason(for: vm, share: share, target: requests[index], context: context)
            entries.append(Proposal.Entry(id: vm.id, allocation: allocation, reason: reason, stage: name))
        }
        return Proposal(entries: entries)
    }

    private struct ReasonContext {
        var cpuCommitted: Double
        var memoryCommitted: Double
    }

    private static func ratio(_ wanted: Double, _ capacity: Double) -> Double {
        capacity > 0 ? wanted / capacity : (wanted > 0 ? .infinity : 0)
    }

    private func reason(for vm: VMView, share: ResourceVector, target request: AllocationRequest,
                        context: ReasonContext) -> String {
        let cpuTarget = max(request.reservation.cpu, min(request.demand.cpu, request.cap.cpu))
        let memoryTarget = max(request.reservation.memory, min(request.demand.memory, request.cap.memory))
        let cpuShort = share.cpu < cpuTarget
        let memoryShort = vm.hasBalloonStats && share.memory < memoryTarget
        guard cpuShort || memoryShort else {
            return share.cpu > cpuTarget || share.memory > memoryTarget ? Reason.demandMetWithHeadroom : Reason.demandMet
        }
        guard detailedReasons else { return Reason.shortWithoutDetail }
        var text = "fair share: "
        text.reserveCapacity(96)
        if memoryShort {
            ReasonText.appendBytes(share.memory, to: &text)
            text += " for demand "
            ReasonText.appendBytes(memoryTarget, to: &text)
            text += ", host memory "
            text += ReasonText.percent(context.memoryCommitted)
            text += " committed"
        }
        if cpuShort {
            if memoryShort { text += "; " }
            ReasonText.appendCores(share.cpu, to: &text)
            text += " for demand "
            ReasonText.appendCores(cpuTarget, to: &text)
            text += ", host CPU "
            text += ReasonText.percent(context.cpuCommitted)
            text += " committed"
        }
        return text
    }
}
