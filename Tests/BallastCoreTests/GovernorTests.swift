import PropertyBased
import Testing
@testable import BallastCore

/// The governor's envelope: unit cases and properties over random proposals.
@Suite("Governor")
struct GovernorTests {
    static let gib = ByteUnits.gibibyte
    static let mib = ByteUnits.mebibyte

    static func proposal(_ snapshot: TickSnapshot, _ allocations: [VMAllocation], reason: String = "test") -> Proposal {
        Proposal(entries: zip(snapshot.vms, allocations).map {
            Proposal.Entry(id: $0.id, allocation: $1, reason: reason, stage: "test")
        })
    }

    static func one(current: VMAllocation, proposed: VMAllocation, used: UInt64? = 2 << 30,
                    spec: VMSpec = Fixture.spec(), balloon: Bool = true, active: Double = 0.5,
                    confidence: Double = 1, available: UInt64? = nil, capacityMemory: UInt64 = 256 << 30,
                    governor: inout Governor, time: Double = 100) -> (GovernedVM, [Change], Bool) {
        let view = Fixture.view(1, spec: spec, current: current,
                                estimate: Fixture.estimate(cpu: 1000, memory: used ?? 0, used: used, active: active,
                                                           confidence: confidence), balloon: balloon)
        let snapshot = Fixture.snapshot([view], capacity: ResourceVector(cpu: 64_000, memory: capacityMemory),
                                        available: available, time: time)
        let decision = governor.govern(snapshot, proposal: proposal(snapshot, [proposed]))
        return (decision.vms[0], decision.changes, decision.emergency)
    }

    @Test func floorBeatsAPluginProposingBelowIt() {
        var governor = Governor()
        let current = Fixture.allocation(memory: 2 << 30 + 300 << 20)
        let (vm, changes, _) = Self.one(current: current, proposed: Fixture.allocation(memory: 512 << 20),
                                        governor: &governor)
        // used 2 GiB + max(64 MiB, 10 %) = 2.2 GiB.
        let floor = (2 << 30) + (2 << 30) / 10
        #expect(vm.final.memory == floor)
        #expect(vm.clamps.contains(GovernorClamp.memoryFloor))
        #expect(changes.count == 1)
        #expect(changes.first?.reason.contains("floor") == true)
    }

    @Test func shrinkIsBoundedPerTickAndGrowthIsImmediate() {
        var governor = Governor()
        let (shrunk, _, _) = Self.one(current: Fixture.allocation(memory: 10 << 30),
                                      proposed: Fixture.allocation(memory: 3 << 30), governor: &governor)
        #expect(shrunk.final.memory == (10 << 30) - (10 << 30) / 10)
        #expect(shrunk.clamps.contains(GovernorClamp.memoryShrinkStep))
        let (grown, changes, _) = Self.one(current: Fixture.allocation(memory: 4 << 30),
                                           proposed: Fixture.allocation(memory: 12 << 30), governor: &governor)
        #expect(grown.final.memory == 12 << 30)
        #expect(changes.first { $0.kind == .memory }?.adjustment == .memory(from: 4 << 30, to: 12 << 30))
    }

    @Test func ceilingHolds() {
        var governor = Governor()
        let (vm, _, _) = Self.one(current: Fixture.allocation(memory: 4 << 30, cpu: 2000),
                                  proposed: Fixture.allocation(memory: 64 << 30, cpu: 64_000), governor: &governor)
        #expect(vm.final.memory == 16 << 30)
        #expect(vm.final.cpu == 8000)
        #expect(vm.clamps.contains(GovernorClamp.memoryCeiling))
        #expect(vm.clamps.contains(GovernorClamp.cpuCeiling))
    }

    @Test func hysteresisDropsSmallChanges() {
        var governor = Governor()
        let current = Fixture.allocation(memory: 4 << 30, cpu: 2000)
        var proposed = current
        proposed.memory += 8 << 20
        proposed.cpu += 20
        let (vm, changes, _) = Self.one(current: current, proposed: proposed, governor: &governor)
        #expect(changes.isEmpty)
        #expect(vm.final == current)
        #expect(vm.clamps.contains(GovernorClamp.memoryHysteresis))
        #expect(vm.clamps.contains(GovernorClamp.cpuHysteresis))
    }

    @Test func noBalloonStatsLeavesMemoryAlone() {
        var governor = Governor()
        let (vm, changes, _) = Self.one(current: Fixture.allocation(memory: 4 << 30),
                                        proposed: Fixture.allocation(memory: 1 << 30), used: nil, balloon: false,
                                        governor: &governor)
        #expect(vm.final.memory == 4 << 30)
        #expect(changes.isEmpty)
        #expect(vm.clamps == [GovernorClamp.memoryNoBalloonStats])
    }

    @Test func lowConfidenceNeverShrinks() {
        var governor = Governor()
        let (vm, _, _) = Self.one(current: Fixture.allocation(memory: 8 << 30),
                                  proposed: Fixture.allocation(memory: 4 << 30), confidence: 0.2, governor: &governor)
        #expect(vm.final.memory == 8 << 30)
        #expect(vm.clamps.contains(GovernorClamp.memoryLowConfidence))
    }

    @Test func emergencyStopsGrowthAndShrinksIdleVMsFaster() {
        var governor = Governor()
        let tight: UInt64 = 1 << 30  // 1 GiB free of 256 GiB: below 3 %
        let (grow, _, emergency) = Self.one(current: Fixture.allocation(memory: 4 << 30),
                                            proposed: Fixture.allocation(memory: 8 << 30), active: 0.9,
                                            available: tight, governor: &governor)
        #expect(emergency)
        #expect(grow.final.memory == 4 << 30)
        #expect(grow.clamps.contains(GovernorClamp.memoryEmergencyNoGrowth))
        let (idle, _, _) = Self.one(current: Fixture.allocation(memory: 12 << 30),
                                    proposed: Fixture.allocation(memory: 12 << 30), active: 0.1,
                                    available: tight, governor: &governor)
        #expect(idle.final.memory == (12 << 30) - (12 << 30) / 4)
        #expect(idle.clamps.contains(GovernorClamp.memoryEmergencyIdleShrink))
        let (nearFloor, _, _) = Self.one(current: Fixture.allocation(memory: 2 << 30 + 250 << 20),
                                         proposed: Fixture.allocation(memory: 1 << 30), active: 0.1,
                                         available: tight, governor: &governor)
        #expect(nearFloor.final.memory == (2 << 30) + (2 << 30) / 10)
    }

    /// A capped host (`[host] guest_memory`) is in emergency when its guests use all but
    /// `emergencyFreeFraction` of the cap, while the host itself has plenty free.
    @Test func guestsUsingNearlyAllOfTheirBudgetIsAnEmergency() {
        let governor = Governor()
        let host = HostSample(time: 100, capacity: ResourceVector(cpu: 64_000, memory: 256 << 30), memoryAvailable: 200 << 30)
        func snapshot(used: [UInt64?]) -> TickSnapshot {
            let views = used.enumerated().map { index, used in
                Fixture.view(index, current: Fixture.allocation(memory: 400 * Self.mib),
                             estimate: Fixture.estimate(cpu: 1000, memory: 400 * Self.mib, used: used))
            }
            return TickSnapshot(tick: 1, time: 100, host: host,
                                guestCapacity: ResourceVector(cpu: 64_000, memory: 1000 * Self.mib), vms: views)
        }
        // 3 % of the 1,000 MiB budget is 30 MiB: 980 MiB used leaves 20 MiB.
        #expect(governor.isEmergency(snapshot(used: [490 * Self.mib, 490 * Self.mib])))
        #expect(!governor.isEmergency(snapshot(used: [480 * Self.mib, 480 * Self.mib])))
        // A guest without balloon statistics adds nothing it does not report.
        #expect(!governor.isEmergency(snapshot(used: [960 * Self.mib, nil])))
        // Used beyond the budget (guests that deflated their balloons by themselves).
        #expect(governor.isEmergency(snapshot(used: [700 * Self.mib, 700 * Self.mib])))
    }

    @Test func vcpuHotplugCooldown() {
        var governor = Governor(settings: GovernorSettings(vcpuCooldown: 60))
        let spec = Fixture.spec(maxVCPUs: 8, hotplug: true)
        let current = Fixture.allocation(memory: 4 << 30, cpu: 2000, vcpus: 2)
        var proposed = current
        proposed.vcpus = 4
        let (first, changes, _) = Self.one(current: current, proposed: proposed, spec: spec, governor: &governor, time: 100)
        #expect(first.final.vcpus == 4)
        #expect(changes.contains { $0.adjustment == .vcpus(from: 2, to: 4) })
        var now = current
        now.vcpus = 4
        proposed.vcpus = 6
        let (second, _, _) = Self.one(current: now, proposed: proposed, spec: spec, governor: &governor, time: 130)
        #expect(second.final.vcpus == 4)
        #expect(second.clamps.contains(GovernorClamp.vcpusCooldown))
        let (third, _, _) = Self.one(current: now, proposed: proposed, spec: spec, governor: &governor, time: 161)
        #expect(third.final.vcpus == 6)
        proposed.vcpus = 32
        let (bounded, _, _) = Self.one(current: now, proposed: proposed, spec: spec, governor: &governor, time: 1000)
        #expect(bounded.final.vcpus == 8)
        #expect(bounded.clamps.contains(GovernorClamp.vcpusBounds))
    }

    @Test func vcpusUntouchedWithoutHotplug() {
        var governor = Governor()
        let current = Fixture.allocation(memory: 4 << 30, vcpus: 2)
        var proposed = current
        proposed.vcpus = 4
        let (vm, changes, _) = Self.one(current: current, proposed: proposed, governor: &governor)
        #expect(vm.final.vcpus == 2)
        #expect(changes.isEmpty)
        #expect(vm.clamps == [GovernorClamp.vcpusNoHotplug])
    }

    @Test func quotaAndWeightChangesCarryReasons() {
        var governor = Governor()
        let current = Fixture.allocation(memory: 4 << 30, cpu: 2000)
        var proposed = current
        proposed.cpu = 20        // below the minimum quota
        proposed.cpuWeight = CPUWeight(clamping: 0)   // the lowest weight libvirt takes
        let (vm, changes, _) = Self.one(current: current, proposed: proposed, governor: &governor)
        #expect(vm.final.cpu == 100)
        #expect(vm.final.cpuWeight.value == 2)
        let quota = changes.first { $0.kind == .cpuQuota }
        #expect(quota?.adjustment == .cpuQuota(from: 2000, to: 100))
        #expect(quota?.reason.contains(GovernorClamp.cpuMinimum) == true)
        let weight = changes.first { $0.kind == .cpuWeight }
        #expect(weight?.adjustment == .cpuWeight(from: .standard, to: CPUWeight(clamping: 2)))
        #expect(weight?.reason == "test")
    }

    /// Reasons are put into words only when read, and read exactly as before:
    /// the stage's reason, then the clamps in the order the rules ran, then the floor.
    @Test func changeReasonsSpellOutTheClampsInOrder() {
        var governor = Governor()
        let current = Fixture.allocation(memory: 4 << 30, cpu: 2000)
        var proposed = current
        proposed.memory = 512 << 20   // below the shrink step and the floor
        proposed.cpu = 20_000          // above the 8-core ceiling
        // Guest used 3.5 GiB: floor 3.5 GiB + 10 % = 3.85 GiB, above the 3.6 GiB the shrink step allows.
        let (vm, changes, _) = Self.one(current: current, proposed: proposed, used: 3584 << 20, governor: &governor)
        #expect(vm.clamps == [GovernorClamp.memoryShrinkStep, GovernorClamp.memoryFloor, GovernorClamp.cpuCeiling])
        let memory = changes.first { $0.kind == .memory }
        #expect(memory?.reason == "test [clamped: \(GovernorClamp.memoryShrinkStep); \(GovernorClamp.memoryFloor)] (floor 3.9 GiB)")
        let quota = changes.first { $0.kind == .cpuQuota }
        #expect(quota?.reason == "test [clamped: \(GovernorClamp.cpuCeiling)]")
        // Equal to the same change built from text, and encoded as text.
        if let memory {
            let spelled = Change(vm: memory.vm, vmName: memory.vmName, memory.adjustment, reason: memory.reason)
            #expect(spelled == memory)
        }
    }

    @Test func misalignedProposalIsMatchedByID() {
        var governor = Governor()
        let views = [1, 2].map {
            Fixture.view($0, current: Fixture.allocation(memory: 4 << 30),
                         estimate: Fixture.estimate(cpu: 1000, memory: 3 << 30, used: 2 << 30))
        }
        let snapshot = Fixture.snapshot(views)
        var reversed = Self.proposal(snapshot, [Fixture.allocation(memory: 6 << 30), Fixture.allocation(memory: 8 << 30)])
        reversed.entries.reverse()
        reversed.entries.removeLast()  // VM 1 has no proposal
        let decision = governor.govern(snapshot, proposal: reversed)
        #expect(decision.vms[0].final == views[0].current)
        #expect(decision.vms[0].clamps == [GovernorClamp.missingProposal])
        #expect(decision.vms[1].final.memory == 8 << 30)
    }

    // MARK: - Properties

    static let scenario = zip(
        Gen.uint64(in: (256 << 20)...(32 << 30)),   // current memory
        Gen.uint64(in: 0...(48 << 30)),             // proposed memory
        Gen.uint64(in: 0...(24 << 30)),             // guest used
        Gen.uint64(in: 0...(8 << 30)),              // configured floor
        Gen.int(in: 0...20_000),                    // proposed CPU
        Gen.bool,                                   // emergency
        Gen.double(in: 0...1)                       // active fraction
    )

    @Test func floorsAndCeilingsAlwaysHold() async {
        await propertyCheck(count: 300, input: Self.scenario) { current, proposed, used, floor, cpu, emergency, active in
            var governor = Governor()
            let spec = Fixture.spec(cpuCeiling: 8000, memoryCeiling: 32 << 30, memoryFloor: floor)
            var proposal = Fixture.allocation(memory: proposed, cpu: cpu)
            proposal.vcpus = 2
            let (vm, changes, _) = Self.one(current: Fixture.allocation(memory: current), proposed: proposal,
                                            used: used, spec: spec, active: active,
                                            available: emergency ? 1 << 20 : nil, governor: &governor)
            let guestFloor = used + max(64 << 20, used / 10)
            // Guest used + margin stops shrinking; only the configured floor forces growth.
            let memoryFloor = max(min(floor, 32 << 30), min(guestFloor, current, 32 << 30))
            #expect(vm.final.memory >= memoryFloor)
            #expect(vm.final.memory <= 32 << 30)
            #expect(vm.final.cpu >= 100 && vm.final.cpu <= 8000)
            if !emergency {
                // Shrink bounded to 10 % per tick (unless the floor itself is lower, it never goes below).
                #expect(vm.final.memory >= current - current / 10 || vm.final.memory >= memoryFloor && current <= memoryFloor)
            } else {
                // No growth beyond what the guest needs: used + margin, or the configured floor.
                let need = max(min(floor, 32 << 30), min(guestFloor, 32 << 30))
                #expect(vm.final.memory <= max(current, need))
            }
            for change in changes {
                #expect(!change.reason.isEmpty)
                if case .memory(let from, let to) = change.adjustment {
                    let delta = from > to ? from - to : to - from
                    #expect(delta >= 16 << 20 || current < min(floor, 32 << 30))
                }
            }
        }
    }
}

/// Governor behaviour across several VMs at once.
@Suite("Governor host-wide")
struct GovernorHostTests {
    @Test func growthNeverPushesPastCapacity() {
        var governor = Governor()
        let views = [1, 2].map {
            Fixture.view($0, current: Fixture.allocation(memory: 8 << 30),
                         estimate: Fixture.estimate(cpu: 1000, memory: 8 << 30, used: 7 << 30))
        }
        let snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 16_000, memory: 20 << 30))
        // VM 1 shrinks by 1 GiB (within the 10 % step), VM 2 wants +8 GiB: only 5 GiB of room.
        let proposal = GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 7 << 30 + 800 << 20),
                                                         Fixture.allocation(memory: 16 << 30)])
        let decision = governor.govern(snapshot, proposal: proposal)
        let total = decision.vms.reduce(UInt64(0)) { $0 + $1.final.memory }
        #expect(total <= 20 << 30)
        #expect(decision.vms[1].final.memory > 8 << 30)
        #expect(decision.vms[1].clamps.contains(GovernorClamp.memoryGrowthLimited))
    }

    /// Two full 8 GiB VMs on 16 GiB: VM 1 gives 512 MiB back (within the 10 % step), VM 2 wants 9 GiB.
    static func releaseAndGrow(vm1 current1: UInt64, shrinksReleaseAtOnce: Bool) -> GovernorDecision {
        var governor = Governor()
        governor.shrinksReleaseAtOnce = shrinksReleaseAtOnce
        let views = [(1, current1), (2, UInt64(8) << 30)].map { id, memory in
            Fixture.view(id, current: Fixture.allocation(memory: memory),
                         estimate: Fixture.estimate(cpu: 1000, memory: 7 << 30, used: 6 << 30))
        }
        let snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 16_000, memory: 16 << 30))
        let proposal = GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 7 << 30 + 512 << 20),
                                                         Fixture.allocation(memory: 9 << 30)])
        return governor.govern(snapshot, proposal: proposal)
    }

    @Test("on a hypervisor, growth waits until the memory a neighbour gives back is released")
    func growthWaitsForReleasedMemory() {
        let shrinkTick = Self.releaseAndGrow(vm1: 8 << 30, shrinksReleaseAtOnce: false)
        #expect(shrinkTick.vms[0].final.memory == 7 << 30 + 512 << 20)
        #expect(shrinkTick.vms[1].final.memory == 8 << 30, "grew into memory VM 1 still holds")
        #expect(shrinkTick.vms[1].clamps.contains(GovernorClamp.memoryGrowthLimited))
        #expect(shrinkTick.growthAwaitsRelease)
        #expect(shrinkTick.changes.count == 1)

        // The next tick sees VM 1's balloon at its new size: the 512 MiB are free.
        let afterRelease = Self.releaseAndGrow(vm1: 7 << 30 + 512 << 20, shrinksReleaseAtOnce: false)
        #expect(afterRelease.vms[1].final.memory == 8 << 30 + 512 << 20)
        #expect(!afterRelease.growthAwaitsRelease)
    }

    @Test("a growth still deflating the balloon counts at its target: no other VM grows into it")
    func growthInFlightIsCommitted() {
        var governor = Governor()
        // 22 of 24 GiB held, but VM 1's balloon is still moving to the 10 GiB set last tick.
        var views = [8, 8, 6].enumerated().map { index, gib in
            Fixture.view(index + 1, current: Fixture.allocation(memory: UInt64(gib) << 30),
                         estimate: Fixture.estimate(cpu: 1000, memory: UInt64(gib) << 30, used: 4 << 30))
        }
        views[0].memoryTarget = 10 << 30
        let snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 16_000, memory: 24 << 30))
        let proposal = GovernorTests.proposal(snapshot, [10, 8, 8].map { Fixture.allocation(memory: UInt64($0) << 30) })
        let decision = governor.govern(snapshot, proposal: proposal)
        #expect(decision.vms[0].final.memory == 10 << 30)
        #expect(decision.vms[2].final.memory == 6 << 30, "VM 3 took the 2 GiB VM 1 is being handed")
        #expect(decision.vms[2].clamps.contains(GovernorClamp.memoryGrowthLimited))
        #expect(!decision.growthAwaitsRelease, "nothing is being released")
    }

    @Test("a shrink still inflating the balloon frees nothing yet, and the growth it holds back is flagged")
    func releaseInFlightIsNotFree() {
        var governor = Governor()
        // VM 1 was asked down to 7.5 GiB last tick; its balloon is still at 8 GiB.
        var views = [8, 8].enumerated().map { index, gib in
            Fixture.view(index + 1, current: Fixture.allocation(memory: UInt64(gib) << 30),
                         estimate: Fixture.estimate(cpu: 1000, memory: 7 << 30, used: 6 << 30))
        }
        views[0].memoryTarget = 7 << 30 + 512 << 20
        let snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 16_000, memory: 16 << 30))
        // The proposal keeps VM 1 where its balloon is now (no new change for it).
        let proposal = GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 8 << 30),
                                                         Fixture.allocation(memory: 9 << 30)])
        let decision = governor.govern(snapshot, proposal: proposal)
        #expect(decision.vms[1].final.memory == 8 << 30)
        #expect(decision.growthAwaitsRelease)
    }

    @Test("a shrink still inflating the balloon goes on from its target, never back up towards the balloon")
    func shrinkStepGoesOnFromTheTargetInFlight() {
        var governor = Governor()
        var view = Fixture.view(1, current: Fixture.allocation(memory: 8 << 30),
                                estimate: Fixture.estimate(cpu: 1000, memory: 2 << 30, used: 1 << 30))
        view.memoryTarget = 7 << 30
        let snapshot = Fixture.snapshot([view], capacity: ResourceVector(cpu: 16_000, memory: 16 << 30))
        let decision = governor.govern(snapshot, proposal: GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 2 << 30)]))
        // 10 % of the 7 GiB target, not of the 8 GiB balloon (which would give 7.2 GiB: back up).
        #expect(decision.vms[0].final.memory == (7 << 30) - 751_619_276)
        #expect(decision.vms[0].clamps.contains(GovernorClamp.memoryShrinkStep))
    }

    @Test("a balloon still moving to its target keeps it: nearly the same target is not sent again, a real change is")
    func targetInFlightIsNotSentAgain() {
        var governor = Governor()
        func decide(proposed: UInt64) -> GovernorDecision {
            // Growth to 402.5 MiB applied last tick; the balloon is still at 373.4 MiB.
            var view = Fixture.view(1, current: Fixture.allocation(memory: 373 * GovernorTests.mib + 400 << 10),
                                    estimate: Fixture.estimate(cpu: 1000, memory: proposed, used: 300 * GovernorTests.mib))
            view.memoryTarget = 402 * GovernorTests.mib + 512 << 10
            let snapshot = Fixture.snapshot([view], capacity: ResourceVector(cpu: 16_000, memory: 16 << 30))
            return governor.govern(snapshot, proposal: GovernorTests.proposal(snapshot, [Fixture.allocation(memory: proposed)]))
        }
        // The estimate moved by 1 MiB (the balloon started deflating): the target in flight stands.
        let nearly = decide(proposed: 403 * GovernorTests.mib + 512 << 10)
        #expect(nearly.changes.isEmpty, "\(nearly.changes)")
        #expect(nearly.vms[0].final.memory == 402 * GovernorTests.mib + 512 << 10)
        #expect(nearly.vms[0].clamps.contains(GovernorClamp.memoryHysteresis))
        // More demand arrived: a new target, from the balloon's size now.
        let more = decide(proposed: 450 * GovernorTests.mib)
        #expect(more.changes.count == 1)
        #expect(more.vms[0].final.memory == 450 * GovernorTests.mib)
    }

    @Test("in the simulator a tick's shrink makes room for the same tick's growth")
    func simulatedShrinksReleaseAtOnce() {
        let decision = Self.releaseAndGrow(vm1: 8 << 30, shrinksReleaseAtOnce: true)
        #expect(decision.vms[0].final.memory == 7 << 30 + 512 << 20)
        #expect(decision.vms[1].final.memory == 8 << 30 + 512 << 20)
        #expect(!decision.growthAwaitsRelease)
    }

    @Test func fullGuestFloorDoesNotRatchet() {
        var governor = Governor()
        // The guest uses its whole balloon: used + margin is above the current size.
        let view = Fixture.view(1, current: Fixture.allocation(memory: 4 << 30),
                                estimate: Fixture.estimate(cpu: 1000, memory: 4 << 30, used: 4 << 30))
        let snapshot = Fixture.snapshot([view])
        let decision = governor.govern(snapshot, proposal: GovernorTests.proposal(snapshot, [view.current]))
        #expect(decision.vms[0].final.memory == 4 << 30)
        #expect(decision.changes.isEmpty)
    }
}

/// A spec with no known ceiling (a backend that could not read it) must not drive a VM to zero.
@Suite("Governor unknown ceilings")
struct GovernorUnknownCeilingTests {
    @Test func zeroCeilingsLeaveTheVMAlone() {
        var governor = Governor()
        let spec = VMSpec(ceiling: .zero, maxVCPUs: 2)
        let current = Fixture.allocation(memory: 4 << 30, cpu: 2000)
        let (vm, changes, _) = GovernorTests.one(current: current, proposed: Fixture.allocation(memory: 0, cpu: 0),
                                                 spec: spec, governor: &governor)
        #expect(vm.final.memory == current.memory)
        #expect(vm.final.cpu == current.cpu)
        #expect(changes.isEmpty)
        #expect(vm.clamps.contains(GovernorClamp.memoryCeilingUnknown))
        #expect(vm.clamps.contains(GovernorClamp.cpuCeilingUnknown))
    }
}
