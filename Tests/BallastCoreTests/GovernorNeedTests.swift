import PropertyBased
import Testing
@testable import BallastCore

/// A guest outgrowing its balloon (guest used + margin above its size) beside VMs that
/// hold memory they do not use: it is funded first, and the idle memory comes back fast.
@Suite("Governor: a guest outgrowing its balloon")
struct GovernorNeedTests {
    static let mib = ByteUnits.mebibyte

    /// The chaos suite's case on real guests: a 768 MiB budget, an idle guest holding 512 MiB
    /// (50 MiB used), a busy one at 320 MiB whose use climbs past its balloon: 832 MiB held,
    /// over the budget.
    static func budgetCase(busyUsed: UInt64, emergency: Bool = false) -> GovernorDecision {
        var governor = Governor()
        let idle = Fixture.view(1, current: Fixture.allocation(memory: 512 * mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 509 * mib, used: 50 * mib, active: 0.1))
        let busy = Fixture.view(2, current: Fixture.allocation(memory: 320 * mib),
                                estimate: Fixture.estimate(cpu: 100, memory: busyUsed + 64 * mib, used: busyUsed, active: 1))
        let host = ResourceVector(cpu: 16_000, memory: 64 << 30)
        let snapshot = TickSnapshot(tick: 1, time: 100,
                                    host: HostSample(time: 100, capacity: host, memoryAvailable: emergency ? 1 << 20 : 32 << 30),
                                    guestCapacity: ResourceVector(cpu: 16_000, memory: 768 * mib), vms: [idle, busy])
        let proposal = GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 130 * mib, cpu: 100),
                                                         Fixture.allocation(memory: 500 * mib, cpu: 100)])
        return governor.govern(snapshot, proposal: proposal)
    }

    /// One VM whose used memory climbs `growth` MiB/s; sizes in MiB.
    static func climbing(current: UInt64, used: UInt64, demand: UInt64, active: Double, growth: UInt64) -> VMView {
        var estimate = Fixture.estimate(cpu: 100, memory: demand * mib, used: used * mib, active: active)
        estimate.guestUsedGrowth = growth * mib
        return Fixture.view(1, current: Fixture.allocation(memory: current * mib), estimate: estimate)
    }

    @Test("over budget, the busy guest grows to its need against the memory the idle one is releasing")
    func needIsFundedByTheRelease() {
        let decision = Self.budgetCase(busyUsed: 300 * Self.mib)
        // The idle guest shrinks at the emergency step (25 %), not the usual 10 %: another guest needs it.
        #expect(decision.vms[0].final.memory == 384 * Self.mib)
        #expect(decision.vms[0].clamps.contains(GovernorClamp.memoryShrinkStep))
        // 300 MiB used + 64 MiB margin; of the 128 MiB being released, the 64 that bring the balloons'
        // destinations (384 + 320 MiB) down to the budget fund the 44 MiB of need, nothing beyond it.
        #expect(decision.vms[1].final.memory == 364 * Self.mib)
        #expect(decision.vms[1].clamps.contains(GovernorClamp.memoryNeedFundedByRelease))
        #expect(decision.vms[1].clamps.contains(GovernorClamp.memoryGrowthLimited))
        #expect(decision.vms.reduce(0) { $0 + $1.final.memory } <= 768 * Self.mib)
    }

    @Test("in emergency mode a guest still grows to its used + margin, not beyond")
    func emergencyStillFundsTheNeed() {
        let decision = Self.budgetCase(busyUsed: 300 * Self.mib, emergency: true)
        #expect(decision.emergency)
        #expect(decision.vms[1].final.memory == 364 * Self.mib)
        #expect(decision.vms[1].clamps.contains(GovernorClamp.memoryEmergencyNoGrowth))
        #expect(decision.vms[0].final.memory == 384 * Self.mib)
    }

    @Test("with no guest outgrowing its balloon, idle VMs shrink at the usual step and growth waits for room")
    func withoutNeedNothingChanges() {
        let decision = Self.budgetCase(busyUsed: 200 * Self.mib)
        #expect(decision.vms[0].final.memory == 512 * Self.mib - (512 * Self.mib) / 10)
        #expect(decision.vms[1].final.memory == 320 * Self.mib, "grew into memory the idle guest still holds")
        #expect(!decision.vms[1].clamps.contains(GovernorClamp.memoryNeedFundedByRelease))
    }

    @Test("a climbing guest's floor holds its next 5 s of climb")
    func aClimbingGuestsFloorHoldsItsClimb() {
        var governor = Governor()
        let view = Self.climbing(current: 530, used: 300, demand: 400, active: 0.6, growth: 25)
        let snapshot = Fixture.snapshot([view])
        // 300 + 64 + 125 MiB.
        #expect(governor.memoryFloor(view) == 489 * Self.mib)
        let decision = governor.govern(snapshot, proposal: GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 400 * Self.mib)]))
        #expect(decision.vms[0].final.memory == 489 * Self.mib)
        #expect(decision.vms[0].clamps.contains(GovernorClamp.memoryFloor))
        // With the estimator's growth look-ahead off, no climb is held.
        governor.memoryNeed = MemoryNeed(GovernorSettings(), memoryGrowthLookahead: 0)
        #expect(governor.memoryFloor(view) == 364 * Self.mib)
    }

    @Test("a shrink under way is not taken back while another guest outgrows its balloon")
    func aShrinkUnderWayIsKept() {
        var governor = Governor()
        var idle = Fixture.view(1, current: Fixture.allocation(memory: 362 * Self.mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 500 * Self.mib, used: 144 * Self.mib, active: 0.4))
        idle.memoryTarget = 318 * Self.mib
        let busy = Fixture.view(2, current: Fixture.allocation(memory: 405 * Self.mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 600 * Self.mib, used: 380 * Self.mib, active: 1))
        let snapshot = Fixture.snapshot([idle, busy], capacity: ResourceVector(cpu: 16_000, memory: 768 * Self.mib))
        let proposal = GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 348 * Self.mib),
                                                         Fixture.allocation(memory: 420 * Self.mib)])
        let decision = governor.govern(snapshot, proposal: proposal)
        #expect(decision.vms[0].final.memory == 318 * Self.mib)
        #expect(decision.vms[0].clamps.contains(GovernorClamp.memoryShrinkKept))
        // With nobody outgrowing its balloon the proposal may take it back.
        let calm = Fixture.view(2, current: Fixture.allocation(memory: 405 * Self.mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 300 * Self.mib, used: 200 * Self.mib, active: 0.5))
        let quiet = Fixture.snapshot([idle, calm], capacity: ResourceVector(cpu: 16_000, memory: 768 * Self.mib))
        let back = governor.govern(quiet, proposal: GovernorTests.proposal(quiet, [Fixture.allocation(memory: 348 * Self.mib),
                                                                                   Fixture.allocation(memory: 405 * Self.mib)]))
        #expect(back.vms[0].final.memory == 348 * Self.mib)
    }

    @Test("an idle VM is not grown while another guest's use climbs towards its balloon")
    func anIdleVMWaitsWhileAnotherClimbs() {
        var governor = Governor()
        let idle = Fixture.view(1, current: Fixture.allocation(memory: 318 * Self.mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 528 * Self.mib, used: 144 * Self.mib, active: 0.45))
        // 242 MiB used + 64 MiB margin + 5 s at 16 MiB/s is 386 MiB: within its 414 MiB balloon,
        // but not with as much climb again.
        var estimate = Fixture.estimate(cpu: 100, memory: 660 * Self.mib, used: 242 * Self.mib, active: 0.6)
        estimate.guestUsedGrowth = 16 * Self.mib
        let busy = Fixture.view(2, current: Fixture.allocation(memory: 414 * Self.mib), estimate: estimate)
        let snapshot = Fixture.snapshot([idle, busy], capacity: ResourceVector(cpu: 16_000, memory: 768 * Self.mib))
        let proposal = GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 353 * Self.mib),
                                                         Fixture.allocation(memory: 414 * Self.mib)])
        let decision = governor.govern(snapshot, proposal: proposal)
        #expect(decision.vms[0].final.memory == 318 * Self.mib)
        #expect(decision.vms[0].clamps.contains(GovernorClamp.memoryIdleNoGrowth))
    }

    @Test("a climbing guest that reads as idle by its active fraction still grows to its proposal")
    func theClimberItselfIsNeverHeldBack() {
        var governor = Governor()
        let view = Self.climbing(current: 428, used: 150, demand: 420, active: 0.35, growth: 24)
        let snapshot = Fixture.snapshot([view])
        let decision = governor.govern(snapshot, proposal: GovernorTests.proposal(snapshot, [Fixture.allocation(memory: 600 * Self.mib)]))
        #expect(decision.vms[0].final.memory == 600 * Self.mib)
        #expect(decision.vms[0].clamps.isEmpty, "\(decision.vms[0].clamps)")
    }

    // MARK: - Properties

    /// One VM: current, memory target in flight (none, below or above), proposal, guest used, active fraction.
    static let vm = zip(Gen.uint64(in: (256 << 20)...(8 << 30)), Gen.int(in: 0...2), Gen.uint64(in: (64 << 20)...(1 << 30)),
                        Gen.uint64(in: 0...(12 << 30)), Gen.uint64(in: 0...(9 << 30)), Gen.double(in: 0...1))

    /// The simulator's balloons reach their targets within the apply: none is ever in flight there.
    static func views(_ vms: [(UInt64, Int, UInt64, UInt64, UInt64, Double)], inFlight: Bool) -> [VMView] {
        vms.enumerated().map { index, vm in
            let (current, flight, delta, _, used, active) = vm
            var view = Fixture.view(index + 1, current: Fixture.allocation(memory: current),
                                    estimate: Fixture.estimate(cpu: 500, memory: used, used: used, active: active))
            switch inFlight ? flight : 0 {
            case 1: view.memoryTarget = current > delta + (256 << 20) ? current - delta : nil
            case 2: view.memoryTarget = current + delta
            default: break
            }
            return view
        }
    }

    /// Where a governed VM's balloon is heading after the tick.
    static func destination(_ view: VMView, _ governed: GovernedVM) -> UInt64 {
        governed.final.memory != view.current.memory ? governed.final.memory : view.memoryTarget ?? view.current.memory
    }

    @Test("where the balloons head never adds up to more than the budget, or than before the tick when over it")
    func destinationsStayWithinTheBudget() async {
        await propertyCheck(count: 300, input: Self.vm.array(of: 1...8), Gen.uint64(in: (2 << 30)...(40 << 30)), Gen.bool) {
            vms, capacity, atOnce in
            var governor = Governor()
            governor.shrinksReleaseAtOnce = atOnce
            let views = Self.views(vms, inFlight: !atOnce)
            let snapshot = TickSnapshot(tick: 1, time: 100,
                                        host: HostSample(time: 100, capacity: ResourceVector(cpu: 64_000, memory: 256 << 30),
                                                         memoryAvailable: 128 << 30),
                                        guestCapacity: ResourceVector(cpu: 64_000, memory: capacity), vms: views)
            let proposal = GovernorTests.proposal(snapshot, vms.map { Fixture.allocation(memory: $0.3, cpu: 500) })
            let decision = governor.govern(snapshot, proposal: proposal)
            let before = views.reduce(UInt64(0)) { $0 + ($1.memoryTarget ?? $1.current.memory) }
            let after = zip(views, decision.vms).reduce(UInt64(0)) { $0 + Self.destination($1.0, $1.1) }
            // Two raises are not growth and stay allowed: the floor beats the budget (a target below the guest's
            // used + margin is raised back to it), and a VM may take back memory its balloon still holds (a
            // shrink in flight given a higher target, up to its balloon's size now).
            let raised = zip(views, decision.vms).reduce(UInt64(0)) { sum, pair in
                let (view, governed) = pair
                let before = view.memoryTarget ?? view.current.memory
                var after = Self.destination(view, governed)
                if !governed.clamps.contains(GovernorClamp.memoryFloor) { after = min(after, view.current.memory) }
                return sum + (after > before ? after - before : 0)
            }
            #expect(after <= max(capacity, before) + raised,
                    "before \(before), after \(after), capacity \(capacity), raised \(raised)")
            // Growth never lends past the budget, not even on a host already over it.
            let grew = zip(views, decision.vms).contains { $1.final.memory > max($0.current.memory, $0.memoryTarget ?? 0) }
            #expect(!grew || after <= capacity + raised, "grew to \(after) over a capacity of \(capacity)")
            for (view, governed) in zip(views, decision.vms)
            where governed.clamps.contains(GovernorClamp.memoryNeedFundedByRelease) {
                // Growth beyond the room is only ever growth up to the guest's need.
                let used = view.estimate.guestUsedMemory ?? 0
                let base = max(view.current.memory, view.memoryTarget ?? 0)
                #expect(governed.final.memory <= max(used + max(64 << 20, used / 10), base))
            }
        }
    }

    @Test("a guest outgrowing its balloon gets its need whenever the shrinks under way leave that much")
    func theNeedIsMetWhenTheShrinksCoverIt() async {
        let idle = zip(Gen.uint64(in: (512 << 20)...(8 << 30)), Gen.uint64(in: 0...(256 << 20)))
        await propertyCheck(count: 300, input: idle.array(of: 1...6), Gen.uint64(in: (128 << 20)...(6 << 30)),
                            Gen.uint64(in: (32 << 20)...(2 << 30)), Gen.uint64(in: (1 << 30)...(40 << 30))) {
            idles, busyUsed, shortBy, capacity in
            var governor = Governor()
            // The busy guest's used + margin is `shortBy` above its balloon; the policy asks for 1 GiB more than that.
            let busyNeed = busyUsed + max(64 << 20, busyUsed / 10)
            let busyCurrent = max(busyNeed > shortBy ? busyNeed - shortBy : 0, 256 << 20)
            guard busyNeed > busyCurrent else { return }
            var views = idles.enumerated().map { index, idle in
                Fixture.view(index + 2, current: Fixture.allocation(memory: idle.0),
                             estimate: Fixture.estimate(cpu: 100, memory: idle.1 + (64 << 20), used: idle.1, active: 0.05))
            }
            views.insert(Fixture.view(1, spec: Fixture.spec(memoryCeiling: 32 << 30),
                                      current: Fixture.allocation(memory: busyCurrent),
                                      estimate: Fixture.estimate(cpu: 100, memory: busyNeed, used: busyUsed, active: 1)), at: 0)
            let snapshot = TickSnapshot(tick: 1, time: 100,
                                        host: HostSample(time: 100, capacity: ResourceVector(cpu: 64_000, memory: 256 << 30),
                                                         memoryAvailable: 128 << 30),
                                        guestCapacity: ResourceVector(cpu: 64_000, memory: capacity), vms: views)
            var allocations = [Fixture.allocation(memory: busyNeed + (1 << 30), cpu: 100)]
            allocations += idles.map { Fixture.allocation(memory: $0.1 + (64 << 20), cpu: 100) }
            let decision = governor.govern(snapshot, proposal: GovernorTests.proposal(snapshot, allocations))
            let others = zip(views.dropFirst(), decision.vms.dropFirst()).reduce(UInt64(0)) { $0 + Self.destination($1.0, $1.1) }
            let left = capacity > others + busyCurrent ? capacity - others - busyCurrent : 0
            let expected = busyCurrent + min(busyNeed - busyCurrent, left)
            if expected - busyCurrent >= 16 << 20 {
                #expect(decision.vms[0].final.memory + 4096 >= expected,
                        "busy \(busyCurrent >> 20) MiB needs \(busyNeed >> 20) MiB, \(left >> 20) MiB left; got \(decision.vms[0].final.memory >> 20) MiB")
            }
        }
    }
}
