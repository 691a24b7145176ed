/// The balancer's tick, synchronous and pure over its inputs: a raw host sample
/// in, the governed decision out, with the estimator's history and the governor's
/// cool-downs kept in between. The one tick path: the daemon's engine calls the
/// three steps with the plugin chain between `allocate` and `govern`; the
/// simulator and benchmarks call `decide`, which is the same steps with nothing
/// between them.
///
///     prepare   raw sample -> estimates -> the snapshot every policy stage sees
///     allocate  the built-in fair share: the chain's first proposal
///     govern    the chain's last proposal -> the governed changes
public struct TickCore: Sendable {
    public private(set) var settings: BalancerSettings
    public private(set) var estimator: Estimator
    public private(set) var governor: Governor
    public private(set) var tick: UInt64 = 0
    private var fairShare: FairShareStage
    private var fairShareWorkspace = FairShareStage.Workspace()
    /// The last snapshot's VMs: their storage is reused by the next `prepare`
    /// once the snapshot is dropped (a 1,000-VM tick would otherwise page-fault a
    /// fresh quarter megabyte each time).
    private var lastViews: [VMView] = []
    private var rawOrder = RawOrder()
    /// Snapshot time of the last prepared tick and whether it was urgent: the governor's
    /// per-tick limits are scaled by the time since it when urgent ticks are in play.
    private var lastTick: (time: Double, urgent: Bool)?

    /// `shrinksReleaseAtOnce`: the backend's shrinks have released their memory when its
    /// apply returns (the simulator), so a tick's shrinks make room for its growth; a
    /// hypervisor's balloons take seconds (`Governor.shrinksReleaseAtOnce`).
    public init(settings: BalancerSettings, shrinksReleaseAtOnce: Bool = false) {
        self.settings = settings
        self.estimator = Estimator(settings: settings.estimator)
        let memoryNeed = MemoryNeed(settings)
        self.governor = Governor(settings: settings.governor, memoryNeed: memoryNeed)
        self.governor.shrinksReleaseAtOnce = shrinksReleaseAtOnce
        self.fairShare = FairShareStage(settings: settings.allocator, memoryNeed: memoryNeed)
    }

    /// What `prepare` made of a raw sample.
    public struct Prepared: Sendable {
        /// What every policy stage sees: the balanced VMs, sorted by id.
        public var snapshot: TickSnapshot
        /// VMs present but not balanced (not running, opted out), for reporting.
        public var unbalanced: [VMSample]
        /// The virtio-mem devices of the VMs that have one, for reporting.
        public var virtioMem: [VMID: VirtioMemState] = [:]
    }

    /// One tick's result with no plugin in the chain (the simulator, benchmarks).
    public struct Decided: Sendable {
        public var prepared: Prepared
        public var proposal: Proposal
        public var decision: GovernorDecision
    }

    /// All three steps with nothing between the allocator and the governor.
    public mutating func decide(_ raw: HostSnapshot) -> Decided {
        let prepared = prepare(raw)
        let proposal = allocate(prepared.snapshot)
        let decision = govern(prepared.snapshot, proposal: proposal)
        return Decided(prepared: prepared, proposal: proposal, decision: decision)
    }

    /// The built-in fair share of the guest capacity: the chain's first proposal.
    public mutating func allocate(_ snapshot: TickSnapshot) -> Proposal {
        fairShare.propose(snapshot, reusing: &fairShareWorkspace)
    }

    /// The name the built-in allocator reports as a stage.
    public var allocatorName: String { fairShare.name }

    /// Replaces the settings (config reload) keeping history.
    public mutating func reconfigure(_ settings: BalancerSettings) {
        self.settings = settings
        estimator.settings = settings.estimator
        governor.settings = settings.governor
        governor.memoryNeed = MemoryNeed(settings)
        fairShare.settings = settings.allocator
        fairShare.memoryNeed = governor.memoryNeed
    }

    /// Raw sample -> estimates -> the snapshot every policy stage sees.
    /// Only running, not opted-out VMs are balanced; what the others hold
    /// (opted-out VMs' memory and CPU, paused VMs' memory) is taken off the
    /// capacity the balanced ones share.
    ///
    /// `urgent` marks a tick outside the interval: the governor's per-tick limits then
    /// apply per interval of time (scaled by the time since the last tick), so urgent
    /// ticks do not multiply them. Regular ticks after regular ticks are never scaled.
    public mutating func prepare(_ raw: HostSnapshot, urgent: Bool = false) -> Prepared {
        tick += 1
        governor.stepScale = Self.stepScale(since: lastTick, now: raw.host.time, urgent: urgent,
                                            interval: settings.interval)
        lastTick = (raw.host.time, urgent)
        // The previous snapshot's array is refilled when its callers have let go of it.
        var views: [VMView] = []
        swap(&views, &lastViews)
        views.removeAll(keepingCapacity: true)
        views.reserveCapacity(raw.vms.count)
        var heldElsewhere = ResourceVector.zero
        var virtioMem: [VMID: VirtioMemState] = [:]
        var unbalanced: [VMSample] = []
        // Samples are read in place (through a buffer pointer), not copied out of the array.
        raw.vms.withUnsafeBufferPointer { samples in
            for index in samples.indices {
                if let device = samples[index].virtioMem { virtioMem[samples[index].id] = device }
                admit(samples[index], at: raw.host.time, dayClock: raw.host.wallClock, into: &views,
                      heldElsewhere: &heldElsewhere, unbalanced: &unbalanced)
            }
        }
        // Backends usually list VMs in a stable order: check before paying for a sort.
        var sorted = true
        for index in views.indices.dropFirst() where !(views[index - 1].id < views[index].id) {
            sorted = false
            break
        }
        if !sorted { sortByID(&views) }
        // History is pruned every tick, but the (rarer) set change is what the governor needs.
        if estimator.pruneUnseen(at: raw.host.time) {
            governor.retain(only: Set(estimator.trackedIDs))
        }
        var capacity = guestCapacity(of: raw.host)
        capacity.cpu = max(0, capacity.cpu - heldElsewhere.cpu)
        capacity.memory = capacity.memory > heldElsewhere.memory ? capacity.memory - heldElsewhere.memory : 0
        lastViews = views
        return Prepared(
            snapshot: TickSnapshot(tick: tick, time: raw.host.time, host: raw.host, guestCapacity: capacity, vms: views,
                                   cpuEnforcement: settings.allocator.cpuEnforcement),
            unbalanced: unbalanced, virtioMem: virtioMem)
    }

    /// One sampled VM: estimated and viewed when balanced (running, not opted out);
    /// otherwise listed as unbalanced, with what it holds counted as held elsewhere.
    private mutating func admit(_ vm: VMSample, at time: Double, dayClock: Double?, into views: inout [VMView],
                                heldElsewhere: inout ResourceVector, unbalanced: inout [VMSample]) {
        if vm.state == .paused {
            heldElsewhere.memory &+= vm.current.memory
        }
        guard vm.state == .running else {
            unbalanced.append(vm)
            return
        }
        let estimate = estimator.estimate(vm, at: time, dayClock: dayClock)
        guard !vm.spec.optOut else {
            heldElsewhere.memory &+= vm.current.memory
            heldElsewhere.cpu += min(vm.current.cpu, vm.current.vcpus * CPUUnits.millicoresPerCore)
            unbalanced.append(vm)
            return
        }
        views.append(VMView(id: vm.id, name: vm.name, spec: vm.spec, current: vm.current, estimate: estimate,
                            hasBalloonStats: vm.memory.balloon?.reportsUsage ?? false, memoryTarget: vm.memoryTarget,
                            hostFootprint: vm.memory.hostFootprint))
    }

    /// The fraction of a regular tick's limits a tick may use: 1 between regular ticks,
    /// otherwise the time since the last tick over the interval (at most 1).
    static func stepScale(since last: (time: Double, urgent: Bool)?, now: Double, urgent: Bool,
                          interval: Double) -> Double {
        guard urgent || last?.urgent == true, let last, interval > 0 else { return 1 }
        return min(1, max(0, (now - last.time) / interval))
    }

    /// Puts the views in id order. A backend that lists VMs in another order lists
    /// them in the same order tick after tick, so the order found last time is tried
    /// first (one id comparison per VM); otherwise indices are sorted (cheaper to
    /// move than views). The permutation is applied in place, cycle by cycle.
    private mutating func sortByID(_ views: inout [VMView]) {
        var order: [Int] = []
        swap(&order, &rawOrder.order)
        let count = views.count
        let known = order.count == count && rawOrder.ids.count == count
            && views.indices.allSatisfy { views[$0].id == rawOrder.ids[$0] }
        if !known {
            rawOrder.ids.removeAll(keepingCapacity: true)
            rawOrder.ids.append(contentsOf: views.lazy.map(\.id))
            order.removeAll(keepingCapacity: true)
            order.append(contentsOf: views.indices)
            order.sort { views[$0].id < views[$1].id }
        }
        // views[i] becomes the old views[order[i]].
        var placed = rawOrder.placed
        rawOrder.placed = []
        placed.removeAll(keepingCapacity: true)
        placed.append(contentsOf: repeatElement(false, count: count))
        // Views are moved, not copied: a copy would retain what each holds and release it again.
        views.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for start in 0..<count where !placed[start] {
                let first = (base + start).move()
                var position = start
                while true {
                    placed[position] = true
                    let next = order[position]
                    if next == start {
                        (base + position).initialize(to: first)
                        break
                    }
                    (base + position).moveInitialize(from: base + next, count: 1)
                    position = next
                }
            }
        }
        rawOrder.placed = placed
        rawOrder.order = order
    }

    /// The backend's VM order seen last (ids as listed) and the permutation that sorts it.
    private struct RawOrder {
        var ids: [VMID] = []
        var order: [Int] = []
        var placed: [Bool] = []
    }

    /// Host capacity minus the host reserve, within the optional configured limit.
    public func guestCapacity(of host: HostSample) -> ResourceVector {
        let reserve = settings.hostReserve
        var capacity = ResourceVector(
            cpu: max(0, host.capacity.cpu - reserve.cpu),
            memory: host.capacity.memory > reserve.memory ? host.capacity.memory - reserve.memory : 0)
        if let limit = settings.guestCapacityLimit {
            capacity.cpu = min(capacity.cpu, limit.cpu)
            capacity.memory = min(capacity.memory, limit.memory)
        }
        return capacity
    }

    /// The final proposal -> the governed changes.
    public mutating func govern(_ snapshot: TickSnapshot, proposal: Proposal) -> GovernorDecision {
        governor.govern(snapshot, proposal: proposal)
    }
}
