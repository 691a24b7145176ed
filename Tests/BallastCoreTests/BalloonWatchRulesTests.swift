@testable import BallastCore
import Testing

private let mib: UInt64 = 1 << 20

/// When the balloon watch asks for an urgent tick (`LowHeadroomRule`): only for a shortfall
/// the governor would act on, once per shortfall, again when it grew by another step or
/// after it cleared.
@Suite struct LowHeadroomRuleTests {
    let rule = LowHeadroomRule(headroom: MemoryHeadroom(bytes: 64 * mib, fraction: 0.1), minimumGrowth: 16 * mib)

    @Test func theShortfallIsMeasuredAgainstTheEstimatorsHeadroom() {
        #expect(rule.shortfall(free: 40 * mib, used: 200 * mib) == 24 * mib)
        #expect(rule.shortfall(free: 80 * mib, used: 200 * mib) == 0)
        // 10 % of 1 GiB used is more than 64 MiB: the fraction decides.
        #expect(rule.shortfall(free: 64 * mib, used: 1024 * mib) == 40_265_318)
    }

    @Test func aGuestHoveringJustUnderItsHeadroomDoesNotUseUpTheNextStep() {
        var reported: UInt64?
        // 1 MiB under the headroom: the governor would drop a 1 MiB growth, so no tick.
        #expect(!rule.asksForTick(shortfall: 1 * mib, reported: &reported))
        #expect(!rule.asksForTick(shortfall: 3 * mib, reported: &reported))
        #expect(reported == nil)
        // The step: 24 MiB short.
        #expect(rule.asksForTick(shortfall: 24 * mib, reported: &reported))
        #expect(reported == 24 * mib)
    }

    @Test func oneTickPerShortfallThenAgainWhenItGrewOrAfterItCleared() {
        var reported: UInt64?
        #expect(rule.asksForTick(shortfall: 20 * mib, reported: &reported))
        // Still short while the answer is on its way: no second request.
        #expect(!rule.asksForTick(shortfall: 20 * mib, reported: &reported))
        #expect(!rule.asksForTick(shortfall: 35 * mib, reported: &reported))
        // Another step of demand arrived: ask again.
        #expect(rule.asksForTick(shortfall: 36 * mib, reported: &reported))
        #expect(reported == 36 * mib)
        // Answered (below one step): cleared, and the next step asks at once.
        #expect(!rule.asksForTick(shortfall: 2 * mib, reported: &reported))
        #expect(reported == nil)
        #expect(rule.asksForTick(shortfall: 16 * mib, reported: &reported))
    }

    @Test func aZeroMinimumGrowthStillNeedsAByteOfShortfall() {
        let eager = LowHeadroomRule(headroom: MemoryHeadroom(bytes: 64 * mib, fraction: 0), minimumGrowth: 0)
        var reported: UInt64?
        #expect(!eager.asksForTick(shortfall: 0, reported: &reported))
        #expect(eager.asksForTick(shortfall: 1, reported: &reported))
        #expect(!eager.asksForTick(shortfall: 1, reported: &reported))
    }
}

/// The balloon watch's rules come from the settings that decide the same things in a tick.
@Suite struct BalloonWatchRulesTests {
    @Test func theRulesAreTheTicksOwnSettings() {
        var settings = BalancerSettings()
        settings.estimator.memoryHeadroomBytes = 96 * mib
        settings.estimator.memoryHeadroomFraction = 0.2
        settings.governor.minMemoryChange = 8 * mib
        settings.governor.emergencyFreeFraction = 0.25
        settings.guestCapacityLimit = ResourceVector(cpu: .max, memory: 1000 * mib)
        let rules = BalloonWatchRules(settings: settings)
        #expect(rules.lowHeadroom == LowHeadroomRule(headroom: MemoryHeadroom(bytes: 96 * mib, fraction: 0.2),
                                                     minimumGrowth: 8 * mib))
        #expect(rules.budget == 1000 * mib)
        #expect(rules.emergencyFreeFraction == 0.25)
        // The emergency zone starts past 750 MiB used.
        #expect(!rules.budgetInEmergency(used: 750 * mib))
        #expect(rules.budgetInEmergency(used: 750 * mib + 1))
    }

    @Test func theBudgetsEmergencyLineIsTheGovernorsRule() {
        var settings = BalancerSettings()
        settings.guestCapacityLimit = ResourceVector(cpu: .max, memory: 1000 * mib)
        let rules = BalloonWatchRules(settings: settings)
        let governor = Governor(settings: settings.governor)
        let host = HostSample(time: 1, capacity: ResourceVector(cpu: 8000, memory: 64 << 30), memoryAvailable: 60 << 30)
        for used in stride(from: 900 * mib, through: 1000 * mib, by: Int(mib / 2)) {
            let view = Fixture.view(1, current: Fixture.allocation(memory: 1000 * mib),
                                    estimate: Fixture.estimate(cpu: 100, memory: used, used: used))
            let snapshot = TickSnapshot(tick: 1, time: 1, host: host,
                                        guestCapacity: ResourceVector(cpu: 8000, memory: 1000 * mib), vms: [view])
            #expect(rules.budgetInEmergency(used: used) == governor.isEmergency(snapshot), "used \(used)")
        }
    }

    @Test func withoutABudgetOnlyTheHostsOwnRulesApply() {
        var settings = BalancerSettings()
        #expect(BalloonWatchRules(settings: settings).budget == nil)
        // guest_cpu_millicores alone leaves memory unlimited.
        settings.guestCapacityLimit = ResourceVector(cpu: 4000, memory: .max)
        let rules = BalloonWatchRules(settings: settings)
        #expect(rules.budget == nil)
        #expect(!rules.budgetInEmergency(used: .max))
    }
}
