import BallastCore
@testable import BallastMetrics
import BallastTestFixtures
import Testing

@Suite("Prometheus renderer")
struct RendererTests {
    private func rendered(_ reports: [TickReport], events: [BalancerEvent] = []) async -> [UInt8] {
        let state = ObservabilityState(interval: 2, clock: ManualClock())
        for report in reports {
            await state.record(report: report, tickSeconds: 0.0123, late: false)
        }
        for event in events { state.eventSink.record(event) }
        return PrometheusRenderer.render(await state.metricsSnapshot())
    }

    private static let events: [BalancerEvent] = [
        .pluginRequest(plugin: "cap \"gpu\"", method: "decide", outcome: "ok", seconds: 0.004),
        .pluginRequest(plugin: "cap \"gpu\"", method: "decide", outcome: "timeout: after 0.5 s", seconds: 0.5),
        .pluginRestarted(plugin: "cap \"gpu\"", reason: "crashed"),
        .pluginQuarantined(plugin: "flaky", reason: "5 crashes"),
        .backendError(operation: "set_memory", message: "domain not found"),
        .backendConnection(up: true, detail: "connected"),
    ]

    @Test func awkwardNamesPassPromtool() async throws {
        let text = await rendered([Fixtures.report(count: 6, names: Fixtures.awkwardNames, unbalanced: 1,
                                                   failedStage: true)], events: Self.events)
        #expect(try PromTools.promtoolProblems(text) == nil)
    }

    @Test func awkwardNamesRoundTripThroughPythonParser() async throws {
        let text = await rendered([Fixtures.report(count: 6, names: Fixtures.awkwardNames, unbalanced: 1,
                                                   failedStage: true)], events: Self.events)
        let samples = try PromTools.pythonParse(text)
        for (index, name) in Fixtures.awkwardNames.enumerated() {
            let balloon = samples.first {
                $0.name == "ballast_vm_balloon_bytes" && $0.labels["domain"] == name
            }
            #expect(balloon?.labels["uuid"] == Fixtures.uuid(index), "name \(name) did not round-trip")
            #expect(balloon?.value == Double(UInt64.gibibytes(2)))
        }
        let demand = samples.first { $0.name == "ballast_vm_cpu_demand_cores" && $0.labels["domain"] == "vm-5" }
        #expect(demand?.value == 1.255)
        let failed = samples.first {
            $0.name == "ballast_vm_changes_total" && $0.labels["domain"] == "vm-4" && $0.labels["outcome"] == "failed"
        }
        #expect(failed?.labels["kind"] == "memory")
        #expect(failed?.value == 1)
        let timeouts = samples.first {
            $0.name == "ballast_plugin_requests_total" && $0.labels["outcome"] == "timeout"
        }
        #expect(timeouts?.labels["plugin"] == "cap \"gpu\"")
        #expect(samples.contains { $0.name == "ballast_build_info" && $0.labels["version"] == BallastBuild.version })
        let buckets = samples.filter { $0.name == "ballast_tick_duration_seconds_bucket" }
        #expect(buckets.last?.labels["le"] == "+Inf")
        #expect(buckets.last?.value == 1)
        #expect(samples.contains { $0.name == "ballast_backend_errors_total" && $0.labels["operation"] == "set_memory" })
        #expect(samples.contains { $0.name == "ballast_host_pressure_ratio" && $0.value == 0.025 })
        #expect(samples.contains { $0.name == "ballast_stage_failures_total" && $0.labels["stage"] == "plugin:\"odd\"" })
    }

    @Test func floorsQuarantinesAndBackendStateAreRendered() async throws {
        let text = await rendered([Fixtures.report(count: 2, unbalanced: 1)], events: Self.events)
        let samples = try PromTools.pythonParse(text)
        let floors = samples.filter { $0.name == "ballast_vm_memory_floor_bytes" }
        #expect(floors.map(\.labels["domain"]) == ["vm-0", "vm-1"], "balanced VMs only")
        #expect(floors.allSatisfy { $0.value == Double(UInt64.mebibytes(512)) })
        let quarantined = Dictionary(uniqueKeysWithValues: samples.filter { $0.name == "ballast_plugin_quarantined" }
            .map { ($0.labels["plugin"] ?? "", $0.value) })
        #expect(quarantined == ["cap \"gpu\"": 0, "flaky": 1])
        #expect(samples.first { $0.name == "ballast_backend_up" }?.value == 1)
        #expect(try PromTools.promtoolProblems(text) == nil)
    }

    @Test func backendUpIsAbsentUntilSomethingIsKnown() async {
        let text = String(decoding: await rendered([]), as: UTF8.self)
        #expect(!text.contains("ballast_backend_up"))
    }

    @Test func everyFamilyHasHelpAndType() async {
        let text = String(decoding: await rendered([Fixtures.report(count: 2)], events: Self.events), as: UTF8.self)
        let families = text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { $0.split(separator: " ")[2] }
        #expect(families.count > 20)
        for family in families {
            #expect(family.hasPrefix("ballast_"))
            #expect(text.contains("# HELP \(family) "))
        }
    }

    @Test func seriesDisappearWithTheirVM() async {
        let first = Fixtures.report(tick: 1, count: 3)
        var second = Fixtures.report(tick: 2, count: 3)
        second.snapshot.vms.removeLast()
        second.proposal.entries.removeLast()
        second.decision.vms.removeLast()
        second.applied = AppliedChanges(Array(second.applied.dropLast()))
        let text = String(decoding: await rendered([first, second]), as: UTF8.self)
        #expect(text.contains(Fixtures.uuid(1)))
        #expect(!text.contains(Fixtures.uuid(2)), "the series of a VM that is gone must be dropped")
    }

    @Test func changeCountersAccumulateAcrossTicks() async throws {
        let text = await rendered([Fixtures.report(tick: 1, count: 2), Fixtures.report(tick: 2, count: 2)])
        let samples = try PromTools.pythonParse(text)
        let applied = samples.first {
            $0.name == "ballast_vm_changes_total" && $0.labels["domain"] == "vm-0" && $0.labels["outcome"] == "applied"
        }
        #expect(applied?.value == 2)
        #expect(samples.first { $0.name == "ballast_ticks_total" }?.value == 2)
    }

    @Test func tenThousandVMsStillPassPromtool() async throws {
        let text = await rendered([Fixtures.report(count: 10_000)])
        #expect(try PromTools.promtoolProblems(text) == nil)
    }

    /// `ballast_heap_bytes{state="in_use"}` is the allocator's count, not a constant: it
    /// rises by about what the process holds. 64 MiB kept alive against a margin of 16 MiB;
    /// tests running beside this one allocate and free meanwhile, so the rise has to show
    /// in one of three tries (a reading that does not follow the heap never shows it).
    @Test func heapInUseFollowsWhatTheProcessHolds() async throws {
        var rises: [Int64] = []
        for _ in 0..<3 {
            let before = try #require(HeapUsage.current())
            let held = [UInt8](repeating: 1, count: 64 << 20)
            let during = try #require(HeapUsage.current())
            #expect(held.count == 64 << 20)
            rises.append(Int64(during.inUse) - Int64(before.inUse))
        }
        #expect(rises.contains { $0 >= 48 << 20 }, "in use rose by \(rises) bytes while 64 MiB were held")
        let samples = try PromTools.pythonParse(await rendered([Fixtures.report(count: 1)]))
        let inUse = samples.first { $0.name == "ballast_heap_bytes" && $0.labels["state"] == "in_use" }
        #expect((inUse?.value ?? 0) > 0)
        #expect(samples.contains { $0.name == "ballast_heap_bytes" && $0.labels["state"] == "free" })
    }
}

/// `ballast_ksm_*` and `/v1/state`'s `ksm`.
@Suite("KSM metrics")
struct KSMMetricsTests {
    static let status = KSMStatus(
        settings: KSMSettings(mode: .auto),
        reading: KSMReading(run: 1, pagesToScan: 600, sleepMilliseconds: 20, pagesShared: 100, pagesSharing: 25_600,
                            pagesUnshared: 7, pagesVolatile: 3, fullScans: 4, generalProfit: -4096, advisorMode: "none",
                            ksmdCPUSeconds: 12.5),
        decision: KSMDecision(committedFraction: 0.9, ksmdCPUFraction: 0.05, writes: [.run(1)], reason: "committed 90.0 %"),
        dryRun: false, error: nil)

    @Test("the KSM families pass promtool and carry the kernel's figures")
    func families() async throws {
        let state = ObservabilityState(interval: 2, heap: { nil })
        await state.recordKSM(Self.status)
        let text = PrometheusRenderer.render(await state.metricsSnapshot())
        #expect(try PromTools.promtoolProblems(text) == nil)
        let samples = try PromTools.pythonParse(text)
        func value(_ name: String, _ label: (String, String)? = nil) -> Double? {
            samples.first { sample in
                sample.name == name && (label.map { sample.labels[$0.0] == $0.1 } ?? true)
            }?.value
        }
        #expect(value("ballast_ksm_saved_bytes") == Double(25_600 * 4096))
        #expect(value("ballast_ksm_pages", ("state", "sharing")) == 25_600)
        #expect(value("ballast_ksm_general_profit_bytes") == -4096)
        #expect(value("ballast_ksm_running") == 1)
        #expect(value("ballast_ksmd_cpu_seconds_total") == 12.5)
        #expect(value("ballast_ksmd_cpu_ratio") == 0.05)
        #expect(value("ballast_ksm_mode_info", ("mode", "auto")) == 1)
        let document = await state.stateDocument()
        #expect(document.ksm?.savedBytes == 25_600 * 4096)
        #expect(document.ksm?.reason == "committed 90.0 %")
    }

    @Test("no KSM families where Ballast does not look at KSM (the simulator)")
    func absent() async {
        let state = ObservabilityState(interval: 2, heap: { nil })
        let text = String(decoding: PrometheusRenderer.render(await state.metricsSnapshot()), as: UTF8.self)
        #expect(!text.contains("ballast_ksm"))
        #expect(await state.stateDocument().ksm == nil)
    }
}

/// `ballast_vm_balloon_deflate_on_oom` and `spec.balloonDeflatesOnOOM`: which guests have no safety net.
@Suite("Deflate-on-OOM reporting")
struct DeflateOnOOMReportingTests {
    @Test("one series per VM whose autodeflate is known, none where unknown; the state says the same")
    func series() async throws {
        var report = Fixtures.report(count: 3)
        report.snapshot.vms[0].spec.balloonDeflatesOnOOM = true
        report.snapshot.vms[1].spec.balloonDeflatesOnOOM = false
        let state = ObservabilityState(interval: 2, heap: { nil })
        await state.record(report: report, tickSeconds: 0.01, late: false)
        let text = PrometheusRenderer.render(await state.metricsSnapshot())
        #expect(try PromTools.promtoolProblems(text) == nil)
        let samples = try PromTools.pythonParse(text).filter { $0.name == "ballast_vm_balloon_deflate_on_oom" }
        let byName = Dictionary(uniqueKeysWithValues: samples.map { ($0.labels["domain"] ?? "", $0.value) })
        #expect(byName == [report.snapshot.vms[0].name: 1, report.snapshot.vms[1].name: 0])
        let document = await state.stateDocument()
        #expect(document.vms.map(\.spec.balloonDeflatesOnOOM) == [true, false, nil])
    }
}

/// `ballast_vm_virtio_mem_*` and `/v1/state`'s `virtioMem`: a device's size, request and
/// plugged size, and an unmet request, for the VMs that have one.
@Suite("virtio-mem reporting")
struct VirtioMemReportingTests {
    @Test("series and state for each VM with a device, none for the others, nor any family when no VM has one")
    func series() async throws {
        let mib: UInt64 = 1 << 20
        var report = Fixtures.report(count: 3)
        let met = VirtioMemState(bootMemory: 256 * mib, size: 512 * mib, block: 2 * mib, requested: 128 * mib, plugged: 128 * mib)
        let unmet = VirtioMemState(bootMemory: 256 * mib, size: 256 * mib, block: 2 * mib, requested: 64 * mib, plugged: 0,
                                   unmetForSeconds: 31)
        report.virtioMem = [report.snapshot.vms[0].id: met, report.snapshot.vms[1].id: unmet]
        let state = ObservabilityState(interval: 2, heap: { nil })
        await state.record(report: report, tickSeconds: 0.01, late: false)
        let text = PrometheusRenderer.render(await state.metricsSnapshot())
        #expect(try PromTools.promtoolProblems(text) == nil)
        let samples = try PromTools.pythonParse(text)
        func values(_ name: String) -> [String: Double] {
            Dictionary(uniqueKeysWithValues: samples.filter { $0.name == name }.map { ($0.labels["domain"] ?? "", $0.value) })
        }
        let (first, second) = (report.snapshot.vms[0].name, report.snapshot.vms[1].name)
        #expect(values("ballast_vm_virtio_mem_plugged_bytes") == [first: Double(128 * mib), second: 0])
        #expect(values("ballast_vm_virtio_mem_requested_bytes") == [first: Double(128 * mib), second: Double(64 * mib)])
        #expect(values("ballast_vm_virtio_mem_unmet") == [first: 0, second: 1])
        let document = await state.stateDocument()
        #expect(document.vms.map { $0.virtioMem?.pluggedBytes } == [128 * mib, 0, nil])
        #expect(document.vms[1].virtioMem?.unmetForSeconds == 31)

        let plain = ObservabilityState(interval: 2, heap: { nil })
        await plain.record(report: Fixtures.report(count: 3), tickSeconds: 0.01, late: false)
        #expect(!String(decoding: PrometheusRenderer.render(await plain.metricsSnapshot()), as: UTF8.self).contains("virtio_mem"))
    }
}
