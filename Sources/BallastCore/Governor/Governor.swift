/// The last word before the hypervisor: clamps whatever the policy chain
/// proposed into the safety envelope, whoever proposed it (built-in allocator or
/// plugin). Rules, per VM, in order of precedence (later rules win):
///
/// - memory (only for guests that report balloon statistics; the others keep
///   their memory, with the reason): ceiling; in emergency mode (host
///   `memoryAvailable` below `emergencyFreeFraction` of capacity) no growth beyond
///   the floor and idle VMs shrink by up to `emergencyShrinkFraction` per tick;
///   otherwise shrink at most `maxShrinkFraction` of the current balloon per tick
///   (growth is immediate); no shrink on a low-confidence estimate; the floor
///   `max(spec.floor, guest used + max(marginBytes, marginFraction × used))` beats
///   everything; changes smaller than `minMemoryChange` are dropped (hysteresis)
///   unless needed to reach the floor or the ceiling;
/// - CPU quota: within `[max(spec.floor.cpu, minCPU), spec.ceiling.cpu]`, hysteresis
///   `minCPUChange`;
/// - vCPUs: only for hot-plug VMs, within `[minVCPUs, maxVCPUs]`, at most one
///   change per `vcpuCooldown` seconds per VM (snapshot time);
/// - CPU weight: within libvirt's 2...262144.
///
/// Every change carries the proposing stage's reason plus the clamps that applied;
/// `GovernedVM.clamps` lists them. Stateful only for hot-plug cool-downs (keyed by
/// VM id, touched only when a vCPU change is proposed); owned by one loop.
public struct Governor: Sendable {
    public var settings: GovernorSettings
    private var lastVCPUChange: [VMID: Double] = [:]

    public init(settings: GovernorSettings = .init()) {
        self.settings = settings
    }

    /// Whether host free memory is low enough for emergency mode.
    public func isEmergency(_ host: HostSample) -> Bool {
        Double(host.memoryAvailable) < settings.emergencyFreeFraction * Double(host.capacity.memory)
    }

    public mutating func govern(_ snapshot: TickSnapshot, proposal: Proposal) -> GovernorDecision {
        let emergency = isEmergency(snapshot.host)
        var changes: [Change] = []
        var governed: [GovernedVM] = []
        governed.reserveCapacity(snapshot.vms.count)
        var byID: [VMID: Int]?
        for index in snapshot.vms.indices {
            let vm = snapshot.vms[index]
            let entry: Proposal.Entry
            if index < proposal.entries.count, proposal.entries[index].id == vm.id {
                entry = proposal.entries[index]
            } else {
                if byID == nil {
                    var map: [VMID: Int] = [:]
                    for (position, candidate) in proposal.entries.enumerated() { map[candidate.id] = position }
                    byID = map
                }
                if let position = byID?[vm.id] {
                    entry = proposal.entries[position]
                } else {
                    governed.append(GovernedVM(id: vm.id, proposed: vm.current, final: vm.current,
                                               clamps: [GovernorClamp.missingProposal]))
                    continue
                }
            }
            governed.append(governVM(vm, entry: entry, time: snapshot.time, emergency: emergency, changes: &changes))
        }
        return GovernorDecision(changes: changes, vms: governed, emergency: emergency)
    }

    /// Forgets cool-downs of VMs that are gone.
    public mutating func retain(only ids: Set<VMID>) {
        guard !lastVCPUChange.isEmpty else { return }
        lastVCPUChange = lastVCPUChange.filter { ids.contains($0.key) }
    }

    // MARK: - One VM

    private mutating func governVM(_ vm: VMView, entry: Proposal.Entry, time: Double, emergency: Bool,
                                   changes: inout [Change]) -> GovernedVM {
        let proposed = entry.allocation
        let current = vm.current
        var final = current
        var memoryClamps: [String] = []
        var cpuClamps: [String] = []
        var vcpuClamps: [String] = []
        var weightClamps: [String] = []

        var floor: UInt64 = 0
        if vm.hasBalloonStats {
            let memory = governMemory(vm, proposed: proposed.memory, emergency: emergency, clamps: &memoryClamps)
            final.memory = memory.value
            floor = memory.floor
        } else if proposed.memory != current.memory {
            memoryClamps.append(GovernorClamp.memoryNoBalloonStats)
        }
        final.cpu = governCPU(vm, proposed: proposed.cpu, clamps: &cpuClamps)
        final.vcpus = governVCPUs(vm, proposed: proposed.vcpus, time: time, clamps: &vcpuClamps)
        final.cpuWeight = min(max(proposed.cpuWeight, 2), 262_144)
        if final.cpuWeight != proposed.cpuWeight { weightClamps.append(GovernorClamp.cpuWeightBounds) }

        if final.memory != current.memory {
            var reason = Self.reason(entry.reason, memoryClamps)
            if memoryClamps.contains(GovernorClamp.memoryFloor) {
                reason += " (floor "
                ReasonText.appendBytes(floor, to: &reason)
                reason += ")"
            }
            changes.append(Change(vm: vm.id, vmName: vm.name, kind: .memory, from: Int64(clamping: current.memory),
                                  to: Int64(clamping: final.memory), reason: reason))
        }
        if final.cpu != current.cpu {
            changes.append(Change(vm: vm.id, vmName: vm.name, kind: .cpuQuota, from: Int64(current.cpu),
                                  to: Int64(final.cpu), reason: Self.reason(entry.reason, cpuClamps)))
        }
        if final.vcpus != current.vcpus {
            changes.append(Change(vm: vm.id, vmName: vm.name, kind: .vcpus, from: Int64(current.vcpus),
                                  to: Int64(final.vcpus), reason: Self.reason(entry.reason, vcpuClamps)))
        }
        if final.cpuWeight != current.cpuWeight {
            changes.append(Change(vm: vm.id, vmName: vm.name, kind: .cpuWeight, from: Int64(current.cpuWeight),
                                  to: Int64(final.cpuWeight), reason: Self.reason(entry.reason, weightClamps)))
        }
        var clamps = memoryClamps
        clamps += cpuClamps
        clamps += vcpuClamps
        clamps += weightClamps
        return GovernedVM(id: vm.id, proposed: proposed, final: final, clamps: clamps)
    }

    private static func reason(_ base: String, _ clamps: [String]) -> String {
        guard !clamps.isEmpty else { return base }
        var text = base
        text += " [clamped: "
        for (index, clamp) in clamps.enumerated() {
            if index > 0 { text += "; " }
            text += clamp
        }
        text += "]"
        return text
    }

    /// The memory floor of one VM: the configured floor or guest used + margin,
    /// whichever is higher. The used-based part only forbids shrinking: it is
    /// capped at the current balloon size, so a guest that fills its memory is
    /// not grown by the floor alone (growth is the allocator's call, which knows
    /// what the host can afford); otherwise floors would ratchet every full guest
    /// upwards by the margin each tick, past what the host has.
    public func memoryFloor(_ vm: VMView) -> UInt64 {
        let used = vm.estimate.guestUsedMemory ?? 0
        let fractionMargin = Double(used) * max(settings.memoryMarginFraction, 0)
        let margin = max(settings.memoryMarginBytes, WholeUnits.down(fractionMargin))
        let (withMargin, overflow) = used.addingReportingOverflow(margin)
        let usedFloor = min(overflow ? .max : withMargin, vm.current.memory)
        return max(vm.spec.floor.memory, usedFloor)
    }

    private func governMemory(_ vm: VMView, proposed: UInt64, emergency: Bool,
                              clamps: inout [String]) -> (value: UInt64, floor: UInt64) {
        let current = vm.current.memory
        let ceiling = vm.spec.ceiling.memory
        var floor = memoryFloor(vm)
        if floor > ceiling {
            floor = ceiling
            clamps.append(GovernorClamp.memoryFloorAboveCeiling)
        }
        var target = proposed
        if target > ceiling {
            target = ceiling
            clamps.append(GovernorClamp.memoryCeiling)
        }
        let idle = vm.estimate.memoryActiveFraction < settings.idleActiveFraction
        if emergency {
            let growthLimit = max(current, floor)
            if target > growthLimit {
                target = growthLimit
                clamps.append(GovernorClamp.memoryEmergencyNoGrowth)
            }
            if idle, vm.estimate.confidence >= settings.minShrinkConfidence {
                let pressed = current - Self.step(current, settings.emergencyShrinkFraction)
                if target > pressed, current > floor {
                    target = max(pressed, floor)
                    clamps.append(GovernorClamp.memoryEmergencyIdleShrink)
                }
            }
        }
        if target < current {
            if vm.estimate.confidence < settings.minShrinkConfidence {
                target = current
                clamps.append(GovernorClamp.memoryLowConfidence)
            } else {
                let fraction = emergency && idle
                    ? max(settings.emergencyShrinkFraction, settings.maxShrinkFraction) : settings.maxShrinkFraction
                let lowest = current - Self.step(current, fraction)
                if target < lowest {
                    target = lowest
                    clamps.append(GovernorClamp.memoryShrinkStep)
                }
            }
        }
        if target < floor {
            target = floor
            clamps.append(GovernorClamp.memoryFloor)
        }
        if target != current {
            let difference = target > current ? target - current : current - target
            let required = current < floor || current > ceiling
            if difference < settings.minMemoryChange, !required {
                target = current
                clamps.append(GovernorClamp.memoryHysteresis)
            }
        }
        return (target, floor)
    }

    /// `fraction` of `value`, at most `value`.
    private static func step(_ value: UInt64, _ fraction: Double) -> UInt64 {
        let amount = Double(value) * min(max(fraction.isFinite ? fraction : 0, 0), 1)
        return min(WholeUnits.down(amount), value)
    }

    private func governCPU(_ vm: VMView, proposed: Int, clamps: inout [String]) -> Int {
        let current = vm.current.cpu
        let ceiling = max(vm.spec.ceiling.cpu, 0)
        let minimum = min(max(vm.spec.floor.cpu, settings.minCPU), ceiling)
        var target = proposed
        if target > ceiling {
            target = ceiling
            clamps.append(GovernorClamp.cpuCeiling)
        }
        if target < minimum {
            target = minimum
            clamps.append(GovernorClamp.cpuMinimum)
        }
        if target != current, abs(target - current) < settings.minCPUChange,
           current >= minimum, current <= ceiling {
            target = current
            clamps.append(GovernorClamp.cpuHysteresis)
        }
        return target
    }

    private mutating func governVCPUs(_ vm: VMView, proposed: Int, time: Double, clamps: inout [String]) -> Int {
        let current = vm.current.vcpus
        guard proposed != current else { return current }
        guard vm.spec.vcpuHotplug else {
            clamps.append(GovernorClamp.vcpusNoHotplug)
            return current
        }
        let lowest = max(vm.spec.minVCPUs, 1)
        let highest = max(vm.spec.maxVCPUs, lowest)
        var target = min(max(proposed, lowest), highest)
        if target != proposed { clamps.append(GovernorClamp.vcpusBounds) }
        guard target != current else { return current }
        if let last = lastVCPUChange[vm.id], time - last < settings.vcpuCooldown, time >= last {
            clamps.append(GovernorClamp.vcpusCooldown)
            target = current
        } else if !settings.dryRun {
            lastVCPUChange[vm.id] = time
        }
        return target
    }
}
