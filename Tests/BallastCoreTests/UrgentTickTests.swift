import Testing
@testable import BallastCore

/// Urgent ticks in the core: the rate limit that coalesces bursts, and the governor's
/// per-tick limits applied per interval of time so that urgent ticks do not multiply them.
@Suite("Urgent ticks")
struct UrgentTickTests {
    @Test func aBurstOfAThousandRequestsInOneSecondIsCoalescedToTheRate() {
        var limiter = UrgentTickLimiter(maximumPerSecond: 4)
        var ticks: [Double] = []
        for request in 0..<1000 {
            let now = Double(request) / 1000
            if limiter.allows(at: now) {
                limiter.tickStarted(at: now)
                ticks.append(now)
            }
        }
        #expect(!ticks.isEmpty)
        #expect(ticks.count <= 4)
        for (earlier, later) in zip(ticks, ticks.dropFirst()) { #expect(later - earlier >= limiter.spacing - 1e-9) }
    }

    @Test func aRegularTickAlsoResetsTheSpacingAndZeroTurnsUrgentTicksOff() {
        var limiter = UrgentTickLimiter(maximumPerSecond: 2)
        limiter.tickStarted(at: 10)
        #expect(!limiter.allows(at: 10.2))
        #expect(limiter.allows(at: 10.5))
        let off = UrgentTickLimiter(maximumPerSecond: 0)
        #expect(!off.allows(at: 0))
        #expect(!off.allows(at: 1e9))
    }

    @Test func regularTicksAreNeverScaledAndUrgentOnesShareTheInterval() {
        // Only regular ticks: 1 whatever the spacing (a late tick does not earn more).
        #expect(TickCore.stepScale(since: (10, false), now: 11.7, urgent: false, interval: 2) == 1)
        #expect(TickCore.stepScale(since: nil, now: 0, urgent: true, interval: 2) == 1)
        // An urgent tick 0.5 s after a tick, then the regular one 1.5 s later: 1/4 + 3/4.
        let urgent = TickCore.stepScale(since: (10, false), now: 10.5, urgent: true, interval: 2)
        let next = TickCore.stepScale(since: (10.5, true), now: 12, urgent: false, interval: 2)
        #expect(abs(urgent - 0.25) < 1e-12)
        #expect(abs(next - 0.75) < 1e-12)
        #expect(TickCore.stepScale(since: (10, true), now: 20, urgent: true, interval: 2) == 1)
    }

    @Test func aScaledTickShrinksOnlyItsShareOfTheStep() {
        var full = Governor()
        let current = Fixture.allocation(memory: 10 << 30)
        let proposed = Fixture.allocation(memory: 3 << 30)
        let (regular, _, _) = GovernorTests.one(current: current, proposed: proposed, governor: &full)
        var scaled = Governor()
        scaled.stepScale = 0.25
        let (urgent, _, _) = GovernorTests.one(current: current, proposed: proposed, governor: &scaled)
        let regularStep = current.memory - regular.final.memory
        let urgentStep = current.memory - urgent.final.memory
        #expect(regularStep == (10 << 30) / 10)
        #expect(urgentStep == regularStep / 4)
    }

    @Test func theTickCoreScalesTheGovernorOnlyAroundUrgentTicks() {
        var core = TickCore(settings: BalancerSettings(interval: 2))
        var scales: [Double] = []
        for (time, urgent) in [(2.0, false), (4.0, false), (4.5, true), (6.0, false), (8.0, false)] {
            let raw = HostSnapshot(
                host: HostSample(time: time, capacity: ResourceVector(cpu: 64_000, memory: 256 << 30),
                                 memoryAvailable: 200 << 30),
                vms: [Fixture.sample(1, current: Fixture.allocation(memory: 8 << 30), cpu: nil, balloon: nil)])
            _ = core.prepare(raw, urgent: urgent)
            scales.append(core.governor.stepScale)
        }
        #expect(scales == [1, 1, 0.25, 0.75, 1])
    }
}
