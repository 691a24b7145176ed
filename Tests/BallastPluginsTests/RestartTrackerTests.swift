@testable import BallastPlugins
import Testing

@Suite("restart back-off and quarantine policy")
struct RestartTrackerTests {
    let settings = RestartSettings(initialBackoff: 1, maximumBackoff: 4, quarantineAfter: 4, quarantineWindow: 100,
                                   quarantineDuration: 50)

    @Test func backOffDoublesUpToTheMaximumAndResetsOnSuccess() {
        var tracker = RestartTracker(settings: settings)
        #expect(tracker.recordFailure(at: 0, reason: "a") == .restartAfter(1))
        #expect(tracker.blocked(plugin: "p", at: 0.5) != nil)
        #expect(tracker.blocked(plugin: "p", at: 1.0) == nil)
        #expect(tracker.recordFailure(at: 1, reason: "b") == .restartAfter(2))
        #expect(tracker.recordFailure(at: 3, reason: "c") == .restartAfter(4))
        tracker.recordSuccess()
        var fresh = RestartTracker(settings: RestartSettings(initialBackoff: 1, maximumBackoff: 4, quarantineAfter: 10))
        for time in 0..<5 { _ = fresh.recordFailure(at: Double(time * 10), reason: "x") }
        #expect(fresh.recordFailure(at: 60, reason: "x") == .restartAfter(4))
    }

    @Test func quarantinesAfterRepeatedFailuresInTheWindowThenRetries() {
        var tracker = RestartTracker(settings: settings)
        for time in 0..<3 { _ = tracker.recordFailure(at: Double(time * 5), reason: "boom") }
        #expect(tracker.recordFailure(at: 20, reason: "boom") == .quarantine(50))
        guard case .quarantined? = tracker.blocked(plugin: "p", at: 30) else {
            Issue.record("expected quarantine at t=30")
            return
        }
        #expect(tracker.blocked(plugin: "p", at: 70) == nil)
        let cleared = tracker.clearQuarantine(at: 70)
        #expect(cleared)
    }

    @Test func failuresOutsideTheWindowDoNotQuarantine() {
        var tracker = RestartTracker(settings: settings)
        for time in 0..<6 {
            #expect(tracker.recordFailure(at: Double(time) * 200, reason: "rare") != .quarantine(50))
        }
    }
}
