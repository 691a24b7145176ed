import PropertyBased
import Testing
@testable import BallastCore

/// A guest capacity too small for every guest's need (used + margin + climb): the soft part
/// (a large guest's proportional margin, the climb) gives way before any guest's firm need
/// (used + the margin's 64 MiB), in the fair share and in the governor alike.
@Suite("Margins give way on a host without room for them all")
struct MarginsGiveWayTests {
    static let mib = ByteUnits.mebibyte

    /// An 8,500 MiB budget, full: guest 1 at its balloon (3,000 MiB used of 3,000, asking
    /// 4,000), guests 2 and 3 at used + their 10 % margin (3,000 + 300, 2,000 + 200). Firm
    /// needs, used + 64 MiB: 8,192 MiB; soft, the margins' other 236, 236 and 136 MiB: 608.
    static func fullHost(capacity: UInt64 = 8500 * mib) -> TickSnapshot {
        let full = Fixture.view(1, current: Fixture.allocation(memory: 3000 * mib),
                                estimate: Fixture.estimate(cpu: 100, memory: 4000 * mib, used: 3000 * mib))
        let second = Fixture.view(2, current: Fixture.allocation(memory: 3300 * mib),
                                  estimate: Fixture.estimate(cpu: 100, memory: 3300 * mib, used: 3000 * mib))
        let third = Fixture.view(3, current: Fixture.allocation(memory: 2200 * mib),
                                 estimate: Fixture.estimate(cpu: 100, memory: 2200 * mib, used: 2000 * mib))
        return Fixture.snapshot([full, second, third], capacity: ResourceVector(cpu: 16_000, memory: capacity))
    }

    static func decide(_ snapshot: TickSnapshot) -> GovernorDecision {
        var governor = Governor()
        let proposal = FairShareStage().propose(snapshot)
        return governor.govern(snapshot, proposal: proposal)
    }

    @Test("the full guest grows into half of every soft margin; nobody goes below their firm need")
    func theFullGuestGrowsIntoTheMargins() {
        let snapshot = Self.fullHost()
        let fit = snapshot.vms.withUnsafeBufferPointer { MemoryNeed(GovernorSettings()).fit($0, capacity: 8500 * Self.mib) }
        // 308 MiB left after 8,192 MiB of firm needs, for 608 MiB of soft ones.
        #expect(fit == NeedFit(firm: 1, soft: 308.0 / 608.0))
        let decision = Self.decide(snapshot)
        // 3,064 MiB + 236 MiB × 308 / 608 and 2,064 MiB + 136 MiB × 308 / 608, rounded down to the byte.
        #expect(decision.vms[0].final.memory == 3_338_196_884)
        #expect(decision.vms[1].final.memory == 3_338_196_884)
        // The fair share hands the bytes the rounding left to one guest.
        #expect((2_236_502_231...2_236_502_233).contains(decision.vms[2].final.memory))
        #expect(decision.vms[0].clamps.contains(GovernorClamp.memoryNeedFundedByRelease))
        #expect(decision.vms.reduce(0) { $0 + $1.final.memory } <= 8500 * Self.mib)
    }

    @Test("with room for every need the margins stay whole, and the full guest gets the rest")
    func withRoomEveryMarginStays() {
        let decision = Self.decide(Self.fullHost(capacity: 8900 * Self.mib))
        // 8,800 MiB of needs, and the 100 MiB left go to the full guest, below its 4,000 MiB estimate.
        #expect(decision.vms.map(\.final.memory) == [3400 * Self.mib, 3300 * Self.mib, 2200 * Self.mib])
    }

    @Test("with no room even for every firm need, nobody is shrunk below theirs")
    func firmNeedsAreNeverTaken() {
        var snapshot = Self.fullHost(capacity: 8000 * Self.mib)
        var governor = Governor()
        var finals: [[UInt64]] = []
        for _ in 0..<3 {
            let decision = governor.govern(snapshot, proposal: FairShareStage().propose(snapshot))
            finals.append(decision.vms.map(\.final.memory))
            for index in snapshot.vms.indices { snapshot.vms[index].current = decision.vms[index].final }
        }
        // Guests 2 and 3 give up their soft margins at once (within the 10 % step) and keep
        // used + 64 MiB; the full guest neither grows nor shrinks; and so it stays.
        #expect(finals[0] == [3000 * Self.mib, 3064 * Self.mib, 2064 * Self.mib])
        #expect(finals[2] == finals[0])
    }

    // MARK: - Properties

    static let host = zip(
        Gen.uint64(in: 0...(8 << 30)).array(of: 1...12),   // guest used
        Gen.uint64(in: 0...(2 << 30)).array(of: 12),        // balloon above (or below) used
        Gen.bool.array(of: 12),                              // balloon below used (a full guest)
        Gen.uint64(in: 0...(1 << 30)).array(of: 12),        // configured reservation
        Gen.uint64(in: 0...(64 << 20)).array(of: 12),       // used memory's climb, per second
        Gen.uint64(in: (1 << 30)...(64 << 30))               // guest capacity
    )

    static func views(used: [UInt64], offsets: [UInt64], below: [Bool], reservations: [UInt64],
                      climbs: [UInt64]) -> [VMView] {
        used.indices.map { index in
            var spec = Fixture.spec()
            spec.reservation.memory = reservations[index]
            let balloon = below[index] ? max(used[index], 1 << 20) : used[index] + offsets[index]
            let seen = min(used[index], balloon)
            var estimate = Fixture.estimate(cpu: 100, memory: seen + (256 << 20), used: seen)
            estimate.guestUsedGrowth = climbs[index]
            return Fixture.view(index + 1, spec: spec, current: Fixture.allocation(memory: min(balloon, 16 << 30)),
                                estimate: estimate)
        }
    }

    @Test("the tiers that fit never exceed the capacity, and soft needs fit only after every firm one")
    func theFitHoldsTheCapacity() async {
        await propertyCheck(count: 300, input: Self.host) { used, offsets, below, reservations, climbs, capacity in
            let views = Self.views(used: used, offsets: offsets, below: below, reservations: reservations, climbs: climbs)
            let need = MemoryNeed(GovernorSettings())
            var tiers: [NeedTiers] = []
            let fit = views.withUnsafeBufferPointer { need.fit($0, capacity: capacity) { tiers.append($0) } }
            #expect((0...1).contains(fit.firm) && (0...1).contains(fit.soft))
            #expect(fit.soft == 0 || fit.firm == 1)
            let base = tiers.reduce(0) { $0 + $1.base }
            let firm = tiers.reduce(0.0) { $0 + Double($1.firm) * fit.firm }
            let soft = tiers.reduce(0.0) { $0 + Double($1.soft) * fit.soft }
            if base <= capacity { #expect(Double(base) + firm + soft <= Double(capacity) + 1) }
            // Each VM's tiers add up to its need within its cap.
            for (view, vmTiers) in zip(views, tiers) {
                let total = max(vmTiers.base, min(need.bytes(for: view.estimate) ?? 0, view.spec.effectiveCap.memory))
                #expect(vmTiers.base + vmTiers.firm + vmTiers.soft == total)
            }
        }
    }

    @Test("the governor never shrinks a guest below its use + 64 MiB, and below its need only for a soft part that does not fit")
    func theGovernorsFloorFollowsTheFit() async {
        await propertyCheck(count: 300, input: Self.host) { used, offsets, below, reservations, climbs, capacity in
            let views = Self.views(used: used, offsets: offsets, below: below, reservations: reservations, climbs: climbs)
            let snapshot = Fixture.snapshot(views, capacity: ResourceVector(cpu: 64_000, memory: capacity))
            let need = MemoryNeed(GovernorSettings())
            let fit = views.withUnsafeBufferPointer { need.fit($0, capacity: capacity) }
            var governor = Governor()
            // A proposal that takes everything: only the governor's floors stand.
            let proposal = GovernorTests.proposal(snapshot, views.map { _ in Fixture.allocation(memory: 0) })
            let decision = governor.govern(snapshot, proposal: proposal)
            for (view, vm) in zip(views, decision.vms) {
                let current = view.current.memory
                let firm = (view.estimate.guestUsedMemory ?? 0) + (64 << 20)
                #expect(vm.final.memory >= min(firm, current, view.spec.ceiling.memory))
                if fit.soft == 1 {
                    #expect(vm.final.memory >= min(need.bytes(for: view.estimate) ?? 0, current))
                }
            }
        }
    }
}
