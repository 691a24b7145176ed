import Testing
@testable import BallastCore

/// `min_growth_past_need_fraction`: growth that starts at or above a guest's need is spare
/// memory and waits for a whole step (5 % of the balloon by default); growth toward the
/// need keeps the usual `min_memory_change`.
@Suite("Governor: spare growth past the need")
struct GovernorSpareGrowthTests {
    static let mib = ByteUnits.mebibyte

    /// One guest using 2 GiB (need: 2 GiB + 10 % = 2,252.8 MiB), at `current`, offered `proposed`.
    static func govern(current: UInt64, proposed: UInt64, fraction: Double = 0.05,
                       capacity: UInt64 = 256 << 30) -> GovernedVM {
        var governor = Governor(settings: GovernorSettings(minGrowthPastNeedFraction: fraction))
        return GovernorTests.one(current: Fixture.allocation(memory: current), proposed: Fixture.allocation(memory: proposed),
                                 active: 1, capacityMemory: capacity, governor: &governor).0
    }

    @Test("past the need, growth smaller than 5 % of the balloon is held; a whole step is applied")
    func spareGrowthWaitsForAWholeStep() {
        // 5 % of 4 GiB is 204.8 MiB.
        let held = Self.govern(current: 4 << 30, proposed: (4 << 30) + 200 * Self.mib)
        #expect(held.final.memory == 4 << 30)
        #expect(held.clamps.contains(GovernorClamp.memoryHysteresis))
        let grown = Self.govern(current: 4 << 30, proposed: (4 << 30) + 210 * Self.mib)
        #expect(grown.final.memory == (4 << 30) + 210 * Self.mib)
        #expect(!grown.clamps.contains(GovernorClamp.memoryHysteresis))
    }

    @Test("growth toward the need is applied from min_memory_change, however large the balloon")
    func growthTowardTheNeedIsNotHeld() {
        // 2,200 MiB is below the need of 2,252.8 MiB; 40 MiB is under 5 % of it (110 MiB).
        let vm = Self.govern(current: 2200 * Self.mib, proposed: 2240 * Self.mib)
        #expect(vm.final.memory == 2240 * Self.mib)
        #expect(!vm.clamps.contains(GovernorClamp.memoryHysteresis))
    }

    @Test("a fraction of 0 leaves min_memory_change alone, as before the setting")
    func zeroTurnsItOff() {
        let vm = Self.govern(current: 4 << 30, proposed: (4 << 30) + 100 * Self.mib, fraction: 0)
        #expect(vm.final.memory == (4 << 30) + 100 * Self.mib)
    }

    @Test("spare growth cut by the room free in the guest capacity is dropped when less than a whole step is left")
    func spareGrowthCutBelowAStepIsDropped() {
        // Room for 100 MiB of the 1 GiB offered: under 5 % of 4 GiB, so nothing moves.
        let cut = Self.govern(current: 4 << 30, proposed: 5 << 30, capacity: (4 << 30) + 100 * Self.mib)
        #expect(cut.final.memory == 4 << 30)
        let before = Self.govern(current: 4 << 30, proposed: 5 << 30, fraction: 0, capacity: (4 << 30) + 100 * Self.mib)
        #expect(before.final.memory == (4 << 30) + 100 * Self.mib)
        #expect(before.clamps.contains(GovernorClamp.memoryGrowthLimited))
    }
}
