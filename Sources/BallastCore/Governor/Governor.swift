/// The last word before the hypervisor: clamps whatever the policy chain
/// proposed into the safety envelope, whoever proposed it (built-in allocator or
/// plugin). Rules, per VM, in order of precedence (later rules win):
///
/// - memory (only for guests that report balloon statistics; the others keep
///   their memory, with the reason): ceiling; in emergency mode (host
///   `memoryAvailable` below `emergencyFreeFraction` of capacity) no growth beyond
///   the floor and idle VMs shrink by up to `emergencyShrinkFraction` per tick;
///   otherwise shrink at most `maxShrinkFraction` of the current balloon per tick
///   (growth is immediate); no shrink on a low-confidence estimate; then the floor
///   beats everything: the configured floor always, and guest used +
///   max(marginBytes, marginFraction × used) as a limit on shrinking (it never forces
///   growth, or a full guest, whose "used" is its whole balloon, would ratchet up
///   forever); changes smaller than `minMemoryChange` are dropped (hysteresis)
///   unless needed to reach the configured floor or the ceiling;
/// - host-wide: growth never takes the balanced VMs past the guest capacity (what
///   shrinks this tick frees room; growth beyond the room is cut proportionally);
/// - CPU quota: within `[max(spec.floor.cpu, minCPU), spec.ceiling.cpu]`, hysteresis
///   `minCPUChange`;
/// - vCPUs: only for hot-plug VMs, within `[minVCPUs, maxVCPUs]`, at most one
///   change per `vcpuCooldown` seconds per VM (snapshot time);
/// - CPU weight: as proposed (a `CPUWeight` is always within libvirt's range).
///
/// Every change carries the proposing stage's reason plus the clamps that applied;
/// `GovernedVM.clamps` lists them. Stateful only for hot-plug cool-downs (keyed by
/// VM id, touched only when a vCPU change is proposed); owned by one loop.
public struct Governor: Sendable {
    public var settings: GovernorSettings
    /// The share of the per-tick shrink limits this tick may use (1 for a regular tick;
    /// less for an urgent tick soon after another, see `TickCore.prepare`).
    public var stepScale: Double = 1
    private var lastVCPUChange: [VMID: Double] = [:]
    private var scratch = Scratch()

    public init(settings: GovernorSettings = .init()) {
        self.settings = settings
    }

    /// Whether host free memory is low enough for emergency mode.
    public func isEmergency(_ host: HostSample) -> Bool {
        Double(host.memoryAvailable) < settings.emergencyFreeFraction * Double(host.capacity.memory)
    }

    /// Views and entries are read in place (through buffer pointers): a tick reads every
    /// VM's view twice, and copying a view each time retains and releases what it holds.
    public mutating func govern(_ snapshot: TickSnapshot, proposal: Proposal) -> GovernorDecision {
        let emergency = isEmergency(snapshot.host)
        var pending: [Pending] = []
        swap(&pending, &scratch.pending)
        pending.removeAll(keepingCapacity: true)
        pending.reserveCapacity(snapshot.vms.count)
        snapshot.vms.withUnsafeBufferPointer { vms in
            proposal.entries.withUnsafeBufferPointer { entries in
                var byID: [VMID: Int]?
                for index in vms.indices {
                    if index < entries.count, entries[index].id == vms[index].id {
                        pending.append(governVM(vms[index], entry: entries[index], time: snapshot.time,
                                                emergency: emergency))
                        continue
                    }
                    if byID == nil {
                        var map: [VMID: Int] = [:]
                        for (position, candidate) in entries.enumerated() { map[candidate.id] = position }
                        byID = map
                    }
                    if let position = byID?[vms[index].id] {
                        pending.append(governVM(vms[index], entry: entries[position], time: snapshot.time,
                                                emergency: emergency))
                    } else {
                        var missing = Pending(proposed: vms[index].current, final: vms[index].current,
                                              reason: ProposalReason(GovernorClamp.missingProposal))
                        missing.clamps = .missingProposal
                        pending.append(missing)
                    }
                }
            }
        }
        limitGrowth(snapshot, &pending)

        var changes: [Change] = []
        swap(&changes, &scratch.lastChanges)
        changes.removeAll(keepingCapacity: true)
        var governed: [GovernedVM] = []
        swap(&governed, &scratch.lastGoverned)
        governed.removeAll(keepingCapacity: true)
        governed.reserveCapacity(pending.count)
        snapshot.vms.withUnsafeBufferPointer { vms in
            pending.withUnsafeBufferPointer { pending in
                for index in pending.indices {
                    emitChanges(vms[index], pending[index], into: &changes)
                    governed.append(GovernedVM(id: vms[index].id, proposed: pending[index].proposed,
                                               final: pending[index].final, clampSet: pending[index].clamps))
                }
            }
        }
        scratch = Scratch(pending: pending, lastChanges: changes, lastGoverned: governed)
        return GovernorDecision(changes: changes, vms: governed, emergency: emergency)
    }

    /// Arrays kept between ticks: the pending list, and the last decision's
    /// changes and per-VM results, refilled once the decision is dropped.
    private struct Scratch {
        var pending: [Pending] = []
        var lastChanges: [Change] = []
        var lastGoverned: [GovernedVM] = []
    }

    /// One VM's governed allocation before changes are emitted.
    private struct Pending {
        var proposed: VMAllocation
        var final: VMAllocation
        var reason: ProposalReason
        var clamps: GovernorClampSet = []
        /// The floor that applied (for the reason) and the configured floor growth may not be cut below.
        var floor: UInt64 = 0
        var hardFloor: UInt64 = 0
    }

    /// Growth is immediate but never pushes the balanced VMs' memory past the guest
    /// capacity: shrinks this tick free room, and when the growth wanted exceeds the
    /// room, each growing VM gets the same fraction of its growth (never less than
    /// its configured floor). A host already over capacity does not get worse.
    private func limitGrowth(_ snapshot: TickSnapshot, _ pending: inout [Pending]) {
        var committed: UInt64 = 0
        var growth: UInt64 = 0
        for index in pending.indices {
            let current = snapshot.vms[index].current.memory
            let final = pending[index].final.memory
            if final > current {
                committed &+= current
                growth &+= final - current
            } else {
                committed &+= final
            }
        }
        let capacity = snapshot.guestCapacity.memory
        let room = capacity > committed ? capacity - committed : 0
        guard growth > room else { return }
        let ratio = Double(room) / Double(growth)
        for index in pending.indices {
            let current = snapshot.vms[index].current.memory
            let wanted = pending[index].final.memory
            guard wanted > current else { continue }
            var allowed = current + WholeUnits.down(Double(wanted - current) * ratio)
            allowed = max(allowed, min(pending[index].hardFloor, wanted))
            if allowed - current < settings.minMemoryChange, current >= pending[index].hardFloor {
                allowed = current
            }
            if allowed < wanted {
                pending[index].final.memory = allowed
                pending[index].clamps.insert(.memoryGrowthLimited)
            }
        }
    }

    /// Forgets cool-downs of VMs that are gone.
    public mutating func retain(only ids: Set<VMID>) {
        guard !lastVCPUChange.isEmpty else { return }
        lastVCPUChange = lastVCPUChange.filter { ids.contains($0.key) }
    }

    // MARK: - One VM

    private mutating func governVM(_ vm: VMView, entry: Proposal.Entry, time: Double, emergency: Bool) -> Pending {
        let proposed = entry.allocation
        let current = vm.current
        var p = Pending(proposed: proposed, final: current, reason: entry.deferredReason)
        if vm.hasBalloonStats, vm.spec.ceiling.memory == 0 {
            if proposed.memory != current.memory { p.clamps.insert(.memoryCeilingUnknown) }
        } else if vm.hasBalloonStats {
            let memory = governMemory(vm, proposed: proposed.memory, emergency: emergency, clamps: &p.clamps)
            p.final.memory = memory.value
            p.floor = memory.floor
            p.hardFloor = memory.hardFloor
        } else if proposed.memory != current.memory {
            p.clamps.insert(.memoryNoBalloonStats)
        }
        p.final.cpu = governCPU(vm, proposed: proposed.cpu, clamps: &p.clamps)
        p.final.vcpus = governVCPUs(vm, proposed: proposed.vcpus, time: time, clamps: &p.clamps)
        p.final.cpuWeight = proposed.cpuWeight
        return p
    }

    /// Emits one change per knob that moved; reasons stay deferred until read.
    private func emitChanges(_ vm: VMView, _ p: Pending, into changes: inout [Change]) {
        let current = vm.current
        let final = p.final
        func reason(_ kind: ChangeKind) -> ChangeReason {
            ChangeReason(base: p.reason, clamps: p.clamps.intersection(.of(kind)), floor: kind == .memory ? p.floor : nil)
        }
        if final.memory != current.memory {
            changes.append(Change(vm: vm.id, vmName: vm.name, .memory(from: current.memory, to: final.memory),
                                  deferredReason: reason(.memory)))
        }
        if final.cpu != current.cpu {
            changes.append(Change(vm: vm.id, vmName: vm.name, .cpuQuota(from: current.cpu, to: final.cpu),
                                  deferredReason: reason(.cpuQuota)))
        }
        if final.vcpus != current.vcpus {
            changes.append(Change(vm: vm.id, vmName: vm.name, .vcpus(from: current.vcpus, to: final.vcpus),
                                  deferredReason: reason(.vcpus)))
        }
        if final.cpuWeight != current.cpuWeight {
            changes.append(Change(vm: vm.id, vmName: vm.name, .cpuWeight(from: current.cpuWeight, to: final.cpuWeight),
                                  deferredReason: reason(.cpuWeight)))
        }
    }

    /// The memory floor of one VM: the configured floor or guest used + margin, whichever is higher.
    public func memoryFloor(_ vm: VMView) -> UInt64 {
        let used = vm.estimate.guestUsedMemory ?? 0
        let fractionMargin = Double(used) * max(settings.memoryMarginFraction, 0)
        let margin = max(settings.memoryMarginBytes, WholeUnits.down(fractionMargin))
        let (withMargin, overflow) = used.addingReportingOverflow(margin)
        return max(vm.spec.floor.memory, overflow ? .max : withMargin)
    }

    private func governMemory(_ vm: VMView, proposed: UInt64, emergency: Bool,
                              clamps: inout GovernorClampSet) -> (value: UInt64, floor: UInt64, hardFloor: UInt64) {
        let current = vm.current.memory
        let ceiling = vm.spec.ceiling.memory
        var hardFloor = vm.spec.floor.memory
        if hardFloor > ceiling {
            hardFloor = ceiling
            clamps.insert(.memoryFloorAboveCeiling)
        }
        // Guest used + margin stops a shrink but does not force growth: a full guest's
        // "used" is its whole balloon, and a floor above it would ratchet upward forever.
        let floor = max(hardFloor, min(memoryFloor(vm), current, ceiling), min(Self.smallestMemoryTarget, ceiling))
        var target = proposed
        if target > ceiling {
            target = ceiling
            clamps.insert(.memoryCeiling)
        }
        let idle = vm.estimate.memoryActiveFraction < settings.idleActiveFraction
        if emergency {
            let growthLimit = max(current, floor)
            if target > growthLimit {
                target = growthLimit
                clamps.insert(.memoryEmergencyNoGrowth)
            }
            if idle, vm.estimate.confidence >= settings.minShrinkConfidence {
                let pressed = current - Self.step(current, settings.emergencyShrinkFraction * stepScale)
                if target > pressed, current > floor {
                    target = max(pressed, floor)
                    clamps.insert(.memoryEmergencyIdleShrink)
                }
            }
        }
        if target < current {
            if vm.estimate.confidence < settings.minShrinkConfidence {
                target = current
                clamps.insert(.memoryLowConfidence)
            } else {
                let fraction = emergency && idle
                    ? max(settings.emergencyShrinkFraction, settings.maxShrinkFraction) : settings.maxShrinkFraction
                let lowest = current - Self.step(current, fraction * stepScale)
                if target < lowest {
                    target = lowest
                    clamps.insert(.memoryShrinkStep)
                }
            }
        }
        if target < floor {
            target = floor
            clamps.insert(.memoryFloor)
        }
        if target != current {
            let difference = target > current ? target - current : current - target
            let required = current < hardFloor || current > ceiling
            if difference < settings.minMemoryChange, !required {
                target = current
                clamps.insert(.memoryHysteresis)
            }
        }
        return (target, floor, hardFloor)
    }

    /// No memory target goes below this, whatever the configured margins and steps
    /// allow: an actuator can take every target as a size the guest can live on.
    public static let smallestMemoryTarget: UInt64 = 1 << 20

    /// `fraction` of `value`, at most `value`.
    private static func step(_ value: UInt64, _ fraction: Double) -> UInt64 {
        let amount = Double(value) * min(max(fraction.isFinite ? fraction : 0, 0), 1)
        return min(WholeUnits.down(amount), value)
    }

    private func governCPU(_ vm: VMView, proposed: Int, clamps: inout GovernorClampSet) -> Int {
        let current = vm.current.cpu
        guard vm.spec.ceiling.cpu > 0 else {
            if proposed != current { clamps.insert(.cpuCeilingUnknown) }
            return current
        }
        let ceiling = vm.spec.ceiling.cpu
        let minimum = min(max(vm.spec.floor.cpu, settings.minCPU), ceiling)
        var target = proposed
        if target > ceiling {
            target = ceiling
            clamps.insert(.cpuCeiling)
        }
        if target < minimum {
            target = minimum
            clamps.insert(.cpuMinimum)
        }
        if target != current, abs(target - current) < settings.minCPUChange,
           current >= minimum, current <= ceiling {
            target = current
            clamps.insert(.cpuHysteresis)
        }
        return target
    }

    private mutating func governVCPUs(_ vm: VMView, proposed: Int, time: Double, clamps: inout GovernorClampSet) -> Int {
        let current = vm.current.vcpus
        guard proposed != current else { return current }
        guard vm.spec.vcpuHotplug else {
            clamps.insert(.vcpusNoHotplug)
            return current
        }
        let lowest = max(vm.spec.minVCPUs, 1)
        let highest = max(vm.spec.maxVCPUs, lowest)
        var target = min(max(proposed, lowest), highest)
        if target != proposed { clamps.insert(.vcpusBounds) }
        guard target != current else { return current }
        if let last = lastVCPUChange[vm.id], time - last < settings.vcpuCooldown, time >= last {
            clamps.insert(.vcpusCooldown)
            target = current
        } else if !settings.dryRun {
            lastVCPUChange[vm.id] = time
        }
        return target
    }
}
