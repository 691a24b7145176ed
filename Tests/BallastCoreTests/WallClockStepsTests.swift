import BallastCore
import Testing

/// `WallClockSteps`: a step is the wall clock's advance minus the sample clock's, reported
/// only beyond the tolerance, with its sign; the simulator's samples (no wall clock) never step.
struct WallClockStepsTests {
    @Test func aClockSetBackAnHourIsReportedOnceWithItsSign() {
        var steps = WallClockSteps()
        #expect(steps.observe(time: 0, wallClock: 1_000_000) == nil, "the first sample has nothing to compare with")
        #expect(steps.observe(time: 2, wallClock: 1_000_002.3) == nil, "0.3 s of jitter is no step")
        #expect(steps.observe(time: 4, wallClock: 1_000_004 - 3600).map { ($0 * 10).rounded() / 10 } == -3600.3)
        #expect(steps.observe(time: 6, wallClock: 1_000_006 - 3600) == nil, "after the step the clocks agree again")
        #expect(steps.observe(time: 8, wallClock: 1_000_008 - 3600 + 600) == 600, "and forward, from the new time")
    }

    @Test func justInsideTheToleranceIsNoStep() {
        var steps = WallClockSteps()
        _ = steps.observe(time: 10, wallClock: 500)
        #expect(steps.observe(time: 12, wallClock: 502 + WallClockSteps.tolerance) == nil)
        #expect(steps.observe(time: 14, wallClock: 504 + 2 * WallClockSteps.tolerance + 0.5) != nil)
    }

    @Test func samplesWithoutAWallClockNeverStep() {
        var steps = WallClockSteps()
        #expect(steps.observe(time: 0, wallClock: 100) == nil)
        #expect(steps.observe(time: 2, wallClock: nil) == nil)
        #expect(steps.observe(time: 4, wallClock: 100_000) == nil, "a missing wall clock restarts the comparison")
        #expect(steps.observe(time: 6, wallClock: .nan) == nil)
    }
}
