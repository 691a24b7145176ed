import BallastCore
import BallastMetrics
import BallastTestFixtures
import Testing

@Suite("Observability state")
struct ObservabilityStateTests {
    @Test func healthyWhileTicksAreOnTimeAndUnhealthyWhenTheyStall() async {
        let clock = ManualClock()
        let state = ObservabilityState(interval: 2, clock: clock)
        #expect(await state.health().healthy, "a daemon that just started is healthy")
        clock.advance(7)
        let starting = await state.health()
        #expect(!starting.healthy)
        #expect(starting.reason.contains("no tick"))
        await state.record(report: Fixtures.report(count: 1), tickSeconds: 0.01, late: false)
        #expect(await state.health().healthy)
        clock.advance(5.9)
        #expect(await state.health().healthy, "within three intervals is on time")
        clock.advance(0.2)
        let stalled = await state.health()
        #expect(!stalled.healthy)
        #expect(stalled.reason.contains("last tick 6.1 s ago"))
    }

    @Test func markStalledHoldsUntilTheNextTick() async {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        await state.record(report: Fixtures.report(count: 1), tickSeconds: 0.01, late: false)
        await state.markStalled("backend sample failed: connection refused")
        let health = await state.health()
        #expect(!health.healthy)
        #expect(health.reason.contains("connection refused"))
        await state.record(report: Fixtures.report(tick: 2, count: 1), tickSeconds: 0.01, late: true)
        #expect(await state.health().healthy)
        #expect(await state.metricsSnapshot().lateTicks == 1)
    }

    @Test func eventsAreCountedByLabel() async {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        let sink: any BalancerEventSink = state.eventSink
        sink.record(.pluginRequest(plugin: "p", method: "decide", outcome: "crashed: exit 3", seconds: 0.1))
        sink.record(.pluginRequest(plugin: "p", method: "decide", outcome: "crashed: exit 4", seconds: 0.2))
        sink.record(.backendError(operation: "sample", message: "boom"))
        sink.record(.pluginLog(plugin: "p", line: "hello"))
        let events = await state.metricsSnapshot().events
        #expect(events.pluginRequests[PluginOutcomeKey(plugin: "p", outcome: "crashed")] == 2)
        #expect(events.pluginLatency["p"]?.count == 2)
        #expect(events.backendErrors["sample"] == 1)
    }

    @Test func pluginQuarantineIsSetByAQuarantineAndClearedByARestartOrAnAnswer() {
        var tallies = EventTallies()
        tallies.apply(.pluginRequest(plugin: "steady", method: "decide", outcome: "ok", seconds: 0.01))
        tallies.apply(.pluginRequest(plugin: "flaky", method: "decide", outcome: "error: boom", seconds: 0.01))
        tallies.apply(.pluginQuarantined(plugin: "flaky", reason: "5 failures within 300 s"))
        tallies.apply(.pluginRequest(plugin: "flaky", method: "decide", outcome: "quarantined", seconds: 0))
        #expect(tallies.pluginQuarantined == ["steady": false, "flaky": true])
        tallies.apply(.pluginRestarted(plugin: "flaky", reason: "quarantine over, trying again"))
        #expect(tallies.pluginQuarantined["flaky"] == false)
        tallies.apply(.pluginQuarantined(plugin: "flaky", reason: "again"))
        tallies.apply(.pluginRequest(plugin: "flaky", method: "decide", outcome: "partial", seconds: 0.01))
        #expect(tallies.pluginQuarantined["flaky"] == false, "a plugin that answers is not in quarantine")
    }

    @Test func backendIsDownWhenATickCannotSampleItOrItReportsTheConnectionLost() async {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        #expect(await state.metricsSnapshot().backendUp == nil, "unknown before the first tick")
        await state.record(report: Fixtures.report(count: 1), tickSeconds: 0.01, late: false)
        #expect(await state.metricsSnapshot().backendUp == true, "a sampled backend is up without reporting it")
        await state.markStalled("sample failed: connection refused")
        #expect(await state.metricsSnapshot().backendUp == false)
        await state.record(report: Fixtures.report(tick: 2, count: 1), tickSeconds: 0.01, late: false)
        state.eventSink.record(.backendConnection(up: false, detail: "lost during apply"))
        #expect(await state.metricsSnapshot().backendUp == false, "a reported loss wins over the last good sample")
        state.eventSink.record(.backendConnection(up: true, detail: "connected again"))
        #expect(await state.metricsSnapshot().backendUp == true)

        let reportedOnly = ObservabilityState(interval: 2, clock: ManualClock())
        reportedOnly.eventSink.record(.backendConnection(up: false, detail: "refused"))
        #expect(await reportedOnly.metricsSnapshot().backendUp == false, "a loss before any tick counts")
    }

    @Test func labelValuesAreBoundedSoProducersCannotExplodeTheScrape() async {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        for index in 0..<(EventTallies.maximumLabelValues + 50) {
            state.eventSink.record(.backendError(operation: "op-\(index)", message: "x"))
        }
        let errors = await state.metricsSnapshot().events.backendErrors
        #expect(errors.count == EventTallies.maximumLabelValues + 1)
        #expect(errors["other"] == 50)
    }

    @Test func stateDocumentJoinsEstimateProposalClampsAndLastChange() async throws {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        await state.record(report: Fixtures.report(count: 5, unbalanced: 1), tickSeconds: 0.01, late: false)
        let document = await state.stateDocument()
        #expect(document.schema == StateDocument.currentSchema)
        #expect(document.vms.count == 6)
        let vm = try #require(document.vms.first { $0.name == "vm-4" })
        #expect(vm.estimate?.demand.cpuMillicores == 1254)
        #expect(vm.estimate?.signals.map(\.name) == ["cpu.usage", "cpu.throttled"])
        #expect(vm.proposed?.stage == "fair-share")
        #expect(vm.governed?.memoryBytes == .mebibytes(1843))
        #expect(vm.clamps == ["memory shrink limited to 10 % per tick"])
        #expect(vm.lastChange?.outcome == "failed")
        #expect(vm.lastChange?.detail == "balloon refused")
        let stopped = try #require(document.vms.first { !$0.balanced })
        #expect(stopped.runState == "shutoff")
        #expect(document.host?.memoryAvailableBytes == .gibibytes(20))
        #expect(document.host?.reserve.cpuMillicores == 1000)
    }

    @Test func lastChangeIsForgottenWhenTheVMGoes() async {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        await state.record(report: Fixtures.report(tick: 1, count: 2), tickSeconds: 0.01, late: false)
        var next = Fixtures.report(tick: 2, count: 1)
        next.applied = []
        await state.record(report: next, tickSeconds: 0.01, late: false)
        let document = await state.stateDocument()
        #expect(document.vms.map(\.name) == ["vm-0"])
        #expect(document.vms.first?.lastChange?.tick == 1, "the last change of a VM that stays is kept")
        #expect(await state.metricsSnapshot().vms.count == 1)
    }
}
