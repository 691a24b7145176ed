import BallastCore
@testable import BallastDaemon
import Testing

/// `[events]`: the event path's switch, urgent-tick rate and pressure triggers.
@Suite("Config [events]")
struct ConfigEventsTests {
    @Test func eventsAreOnByDefaultAndTheTableSetsEveryKey() throws {
        #expect(try ConfigLoader.parse("", file: "t.toml").balancer.events == EventSettings())
        #expect(EventSettings().enabled)
        let config = try ConfigLoader.parse("""
            [events]
            enabled = false
            max_urgent_ticks_per_second = 2.5
            host_memory_pressure_ms = 150
            vm_memory_pressure_ms = 0
            pressure_window_ms = 2000
            balloon_watch_interval = "2s"
            """, file: "t.toml")
        let events = config.balancer.events
        #expect(!events.enabled)
        #expect(events.maxUrgentTicksPerSecond == 2.5)
        #expect(events.hostMemoryPressureStall == 150_000)
        #expect(events.vmMemoryPressureStall == 0)
        #expect(events.pressureWindow == 2_000_000)
        #expect(events.balloonWatchInterval == 2)
    }

    @Test func badValuesNameTheKeyAndTheFile() {
        let text = """
            [events]
            enabled = "yes"
            max_urgent_ticks_per_second = -1
            host_memory_pressure_ms = 1000
            pressure_window_ms = 100
            typo = 1
            """
        do {
            _ = try ConfigLoader.parse(text, file: "bad.toml")
            Issue.record("a bad [events] table was accepted")
        } catch {
            let keys = Set(error.issues.map(\.key))
            #expect(keys.isSuperset(of: ["events.enabled", "events.max_urgent_ticks_per_second",
                                          "events.pressure_window_ms", "events.typo"]))
            #expect(error.issues.allSatisfy { $0.file == "bad.toml" })
        }
    }

    @Test func aStallAsLongAsItsWindowIsRejected() {
        do {
            _ = try ConfigLoader.parse("[events]\nhost_memory_pressure_ms = 1000\npressure_window_ms = 1000\n",
                                       file: "t.toml")
            Issue.record("a stall equal to its window was accepted")
        } catch {
            #expect(error.issues.map(\.key) == ["events.host_memory_pressure_ms"])
            #expect(error.issues.first?.message.contains("pressure_window_ms") == true)
        }
    }

    @Test func changingTheEventPathOnReloadIsReportedAsRestartOnlyButTheRateIsNot() {
        let old = BallastConfig()
        var rate = old
        rate.balancer.events.maxUrgentTicksPerSecond = 1
        #expect(RestartOnlySettings.changes(from: old, to: rate).isEmpty)
        var off = old
        off.balancer.events.enabled = false
        #expect(RestartOnlySettings.changes(from: old, to: off).count == 1)
    }

    /// The balloon watch is built with the estimator's headroom at start (BackendChoice).
    @Test func changingTheMemoryHeadroomOnReloadSaysTheBalloonWatchKeepsTheOldOne() throws {
        let old = BallastConfig()
        let new = try ConfigLoader.parse("[estimator]\nmemory_headroom = \"128MiB\"\n", file: "t.toml")
        #expect(new.balancer.estimator.memoryHeadroom == MemoryHeadroom(bytes: 128 << 20, fraction: 0.1))
        let changes = RestartOnlySettings.changes(from: old, to: new)
        #expect(changes.count == 1)
        #expect(changes.first?.contains("balloon watch") == true, "\(changes)")
    }
}
