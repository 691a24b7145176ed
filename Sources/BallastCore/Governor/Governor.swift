/// The last word before the hypervisor: clamps whatever the policy chain
/// proposed into the safety envelope, whoever proposed it (built-in allocator or
/// plugin). Rules, per VM, in order of precedence (later rules win):
///
/// - memory (only for guests that report balloon statistics; the others keep
///   their memory, with the reason): ceiling; in emergency mode (host
///   `memoryAvailable` below `emergencyFreeFraction` of capacity, or the guests' used
///   memory leaving less than that fraction of the guest capacity free) no growth beyond
///   the VM's need (guest used + margin) and idle VMs shrink by up to
///   `emergencyShrinkFraction` per tick; otherwise shrink at most `maxShrinkFraction` of
///   the current balloon per tick (growth is immediate), or, for an idle VM while another
///   guest outgrows its balloon, `emergencyShrinkFraction` (its memory is wanted now); no
///   shrink on a low-confidence estimate; then the floor beats everything: the configured
///   floor always, and the guest's need (`MemoryNeed`: used + margin + climb) as a limit on
///   shrinking (it never forces growth, or a full guest, whose "used" is its whole
///   balloon, would ratchet up forever), with only the share of its soft part (a large
///   guest's proportional margin, its climb) that the guest capacity holds beside every
///   guest's firm need (`MemoryNeed.fit`, as the fair share reserves it), never below used +
///   the margin's bytes; changes smaller than `minMemoryChange` (growth past the guest's
///   need: also smaller than `minGrowthPastNeedFraction` of the balloon) are
///   dropped (hysteresis) unless needed to reach the configured floor or the ceiling;
/// - host-wide: growth never takes the balanced VMs past the guest capacity, not even
///   while balloons move (unless `shrinksReleaseAtOnce`, the simulator): a VM that
///   shrinks counts at its balloon's actual size until its memory is released, a VM
///   whose balloon is still moving to a larger target (`VMView.memoryTarget`) at that
///   target; growth beyond the room is cut proportionally, and
///   `GovernorDecision.growthAwaitsRelease` says when it waits for memory being
///   released. One exception, for a guest outgrowing its balloon: growth up to its need
///   may also take memory the other VMs' shrinks are still releasing, so long as the
///   balloons' destinations add up to no more than the capacity: the guest does not
///   wait for a balloon to inflate to keep running. A shrink's per-tick step goes on from a
///   smaller target still in flight;
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
    public var settings: GovernorSettings {
        didSet { memoryNeed = MemoryNeed(settings, memoryGrowthLookahead: memoryNeed.climbLookahead) }
    }
    /// What each guest needs (`MemoryNeed`): its floor, and the growth funded first.
    public var memoryNeed: MemoryNeed
    /// The share of the per-tick shrink limits this tick may use (1 for a regular tick;
    /// less for an urgent tick soon after another, see `TickCore.prepare`).
    public var stepScale: Double = 1
    /// Whether a shrink has released its memory before the same tick's growth is applied.
    /// False on a hypervisor: a balloon takes seconds to inflate while a deflate is almost
    /// immediate, so growth funded by a shrink waits for the next tick (which the backend
    /// brings forward when the memory is released). True in the simulator, whose
    /// balloons reach their targets within the apply.
    public var shrinksReleaseAtOnce = false
    private var lastVCPUChange: [VMID: Double] = [:]
    private var scratch = Scratch()

    public init(settings: GovernorSettings = .init(), memoryNeed: MemoryNeed? = nil) {
        self.settings = settings
        self.memoryNeed = memoryNeed ?? MemoryNeed(settings)
    }

    /// Whether memory is short enough for emergency mode: the host's available memory
    /// below `emergencyFreeFraction` of its capacity, or the guests' used memory (as their
    /// balloon statistics report it) leaving less than that fraction of the guest capacity
    /// free. The second is the same rule for the budget the guests are given (`[host]
    /// guest_memory`, the host reserve), which a capped host reaches long before the
    /// host itself runs short.
    public func isEmergency(_ snapshot: TickSnapshot) -> Bool {
        let host = snapshot.host
        let fraction = settings.emergencyFreeFraction
        if Self.tooLittleFree(host.memoryAvailable, of: host.capacity.memory, fraction: fraction) { return true }
        return Self.budgetInEmergency(used: Self.guestUsedMemory(snapshot.vms), budget: snapshot.guestCapacity.memory,
                                      fraction: fraction)
    }

    /// The emergency rule for the guests' budget: their used memory leaves less than
    /// `fraction` of it free. The libvirt balloon watch asks its urgent tick on this rule.
    public static func budgetInEmergency(used: UInt64, budget: UInt64, fraction: Double) -> Bool {
        tooLittleFree(budget > used ? budget - used : 0, of: budget, fraction: fraction)
    }

    private static func tooLittleFree(_ free: UInt64, of capacity: UInt64, fraction: Double) -> Bool {
        Double(free) < fraction * Double(capacity)
    }

    /// The memory the guests use, as their balloon statistics report it (a guest without
    /// them adds nothing).
    public static func guestUsedMemory(_ vms: [VMView]) -> UInt64 {
        var used: UInt64 = 0
        vms.withUnsafeBufferPointer { vms in
            for index in vms.indices {
                used &+= vms[index].estimate.guestUsedMemory ?? 0
            }
        }
        return used
    }

    /// Views and entries are read in place (through buffer pointers): a tick reads every
    /// VM's view twice, and copying a view each time retains and releases what it holds.
    public mutating func govern(_ snapshot: TickSnapshot, proposal: Proposal) -> GovernorDecision {
        let emergency = isEmergency(snapshot)
        let reclaimIdleFast = emergency || anyGuestOutgrowsItsBalloon(snapshot.vms)
        let softShare = snapshot.vms.withUnsafeBufferPointer {
            memoryNeed.fit($0, capacity: snapshot.guestCapacity.memory).soft
        }
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
                                                emergency: emergency, reclaimIdleFast: reclaimIdleFast,
                                                softShare: softShare))
                        continue
                    }
                    if byID == nil {
                        var map: [VMID: Int] = [:]
                        for (position, candidate) in entries.enumerated() { map[candidate.id] = position }
                        byID = map
                    }
                    if let position = byID?[vms[index].id] {
                        pending.append(governVM(vms[index], entry: entries[position], time: snapshot.time,
                                                emergency: emergency, reclaimIdleFast: reclaimIdleFast,
                                                softShare: softShare))
                    } else {
                        var missing = Pending(proposed: vms[index].current, final: vms[index].current,
                                              reason: ProposalReason(GovernorClamp.missingProposal))
                        missing.clamps = .missingProposal
                        pending.append(missing)
                    }
                }
            }
        }
        let growthAwaitsRelease = limitGrowth(snapshot, &pending)

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
        return GovernorDecision(changes: changes, vms: governed, emergency: emergency,
                                growthAwaitsRelease: growthAwaitsRelease)
    }

    /// Arrays kept between ticks: the pending list, and the last decision's
    /// changes and per-VM results, refilled once the decision is dropped.
    private struct Scratch {
        var pending: [Pending] = []
        var lastChanges: [Change] = []
        var lastGoverned: [GovernedVM] = []
    }

    /// One VM's governed allocation before changes are emitted.
    struct Pending {
        var proposed: VMAllocation
        var final: VMAllocation
        var reason: ProposalReason
        var clamps: GovernorClampSet = []
        /// The floor that applied (for the reason) and the configured floor growth may not be cut below.
        var floor: UInt64 = 0
        var hardFloor: UInt64 = 0
        /// What the guest needs now (`MemoryNeed`, or the configured floor), at most the ceiling.
        var need: UInt64 = 0
    }

    /// Forgets cool-downs of VMs that are gone.
    public mutating func retain(only ids: Set<VMID>) {
        guard !lastVCPUChange.isEmpty else { return }
        lastVCPUChange = lastVCPUChange.filter { ids.contains($0.key) }
    }

    // MARK: - One VM

    private mutating func governVM(_ vm: VMView, entry: Proposal.Entry, time: Double, emergency: Bool,
                                   reclaimIdleFast: Bool, softShare: Double) -> Pending {
        let proposed = entry.allocation
        let current = vm.current
        var p = Pending(proposed: proposed, final: current, reason: entry.deferredReason)
        if vm.hasBalloonStats, vm.spec.ceiling.memory == 0 {
            if proposed.memory != current.memory { p.clamps.insert(.memoryCeilingUnknown) }
        } else if vm.hasBalloonStats {
            let memory = governMemory(vm, proposed: proposed.memory, emergency: emergency,
                                      reclaimIdleFast: reclaimIdleFast, softShare: softShare, clamps: &p.clamps)
            p.final.memory = memory.value
            p.floor = memory.floor
            p.hardFloor = memory.hardFloor
            p.need = memory.need
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
        // A target the balloon is already moving to is not a change.
        if final.memory != current.memory, final.memory != vm.memoryTarget {
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

    /// The memory floor of one VM: the configured floor or what the guest needs
    /// (`MemoryNeed`), whichever is higher; with only `softShare` of its soft need
    /// (`NeedFit.soft`: what the guest capacity holds beside every guest's firm need), how
    /// far a shrink may go and the need growth is funded to.
    public func memoryFloor(_ vm: VMView, softShare: Double = 1) -> UInt64 {
        max(vm.spec.floor.memory, memoryNeed.bytes(for: vm.estimate, softShare: softShare) ?? 0)
    }

    private func governMemory(_ vm: VMView, proposed: UInt64, emergency: Bool, reclaimIdleFast: Bool,
                              softShare: Double, clamps: inout GovernorClampSet) -> (value: UInt64, floor: UInt64, hardFloor: UInt64, need: UInt64) {
        let current = vm.current.memory
        // A shrink still inflating the balloon has used its step already: this tick's step
        // goes on from its target (from the balloon, it would raise the target again).
        let shrinkFrom = min(current, vm.memoryTarget ?? current)
        let ceiling = vm.spec.ceiling.memory
        var hardFloor = vm.spec.floor.memory
        if hardFloor > ceiling {
            hardFloor = ceiling
            clamps.insert(.memoryFloorAboveCeiling)
        }
        // Guest used + margin stops a shrink but does not force growth: a full guest's
        // "used" is its whole balloon, and a floor above it would ratchet upward forever.
        // The soft part gives way (`softShare`) on a host without room for every guest's.
        let guestFloor = memoryFloor(vm, softShare: softShare)
        let floor = max(hardFloor, min(guestFloor, current, ceiling), min(Self.smallestMemoryTarget, ceiling))
        // What the guest needs now (`MemoryNeed`: used + margin + climb, or the configured
        // floor): growth up to it is never refused for a policy reason, only for want of
        // memory (`limitGrowth`).
        let need = max(floor, min(guestFloor, ceiling))
        var target = proposed
        if target > ceiling {
            target = ceiling
            clamps.insert(.memoryCeiling)
        }
        let idle = vm.estimate.memoryActiveFraction < settings.idleActiveFraction
        // The rules that take memory from idle VMs for a guest outgrowing its balloon never
        // apply to that guest itself (a guest grown ahead of a fill reads as idle by its
        // active fraction while it climbs). Whether it outgrows its balloon is judged by its
        // whole need: a full guest's use is its balloon, and only the margin shows it is full.
        let servesAnother = reclaimIdleFast && !outgrowsItsBalloon(vm, floor: softShare < 1 ? nil : guestFloor)
        if servesAnother, idle, target > max(current, need) {
            target = max(current, need)
            clamps.insert(.memoryIdleNoGrowth)
        }
        if emergency {
            let growthLimit = max(current, need)
            if target > growthLimit {
                target = growthLimit
                clamps.insert(.memoryEmergencyNoGrowth)
            }
            if idle, vm.estimate.confidence >= settings.minShrinkConfidence {
                let pressed = shrinkFrom - Self.step(shrinkFrom, settings.emergencyShrinkFraction * stepScale)
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
                let fraction = (emergency || servesAnother) && idle
                    ? max(settings.emergencyShrinkFraction, settings.maxShrinkFraction) : settings.maxShrinkFraction
                let lowest = shrinkFrom - Self.step(shrinkFrom, fraction * stepScale)
                if target < lowest {
                    target = lowest
                    clamps.insert(.memoryShrinkStep)
                }
            }
        }
        // A shrink under way (of any VM but the one outgrowing its balloon) is not taken back
        // while another guest outgrows its balloon: that
        // memory is what the other guest is waiting for (seen on real guests: an idle guest's
        // shrink raised again by an urgent tick left a filling guest short until it panicked).
        if servesAnother, let inFlight = vm.memoryTarget, inFlight < current, target > inFlight, target <= current {
            target = inFlight
            clamps.insert(.memoryShrinkKept)
        }
        // A guest that reports its free pages is shrunk like any other, although a smaller
        // balloon above what it holds frees nothing today: the balloon caps how far its page
        // cache can grow back into the host (never shrinking such guests raised Ballast's
        // memory shortfall in the simulator from 3.2 to 11.6 %, docs/simulator.md).
        if target < floor {
            target = floor
            clamps.insert(.memoryFloor)
        }
        // Hysteresis against where the balloon is going: a balloon still moving to a target
        // keeps that target unless the new one differs by a real change (re-sending nearly
        // the same target each tick while the guest catches up would only add changes).
        let heading = vm.memoryTarget ?? current
        if target != heading {
            let difference = target > heading ? target - heading : heading - target
            let required = current < hardFloor || current > ceiling
            if difference < smallestMemoryChange(from: heading, pastNeed: target > heading && heading >= need), !required {
                target = heading
                clamps.insert(.memoryHysteresis)
            }
        }
        return (target, floor, hardFloor, need)
    }

    /// The smallest memory change worth applying from `heading`: `minMemoryChange`, and for
    /// growth that starts at or above the guest's need (`pastNeed`: spare memory, not a
    /// need) also `minGrowthPastNeedFraction` of the balloon.
    func smallestMemoryChange(from heading: UInt64, pastNeed: Bool) -> UInt64 {
        guard pastNeed else { return settings.minMemoryChange }
        return max(settings.minMemoryChange, Self.step(heading, settings.minGrowthPastNeedFraction))
    }

    /// A guest whose used memory climbs at least this fast (bytes per second, from its own
    /// reports) counts as outgrowing its balloon: idle VMs make way for it. (It is not kept
    /// from shrinking: its floor holds its climb. A rule that never shrank a climbing guest
    /// made its shrinks come 10 s late and in 10 % steps, one of which was still inflating
    /// when the real-guest reaction test's next fill came, and the guest ran out.)
    public static let climbingGuest: UInt64 = 1 << 20

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
