import BallastCore
@testable import BallastDaemon
import BallastMetrics
import Logging
import Synchronization
import Testing

/// A backend double that serves a fixed two-VM host and records what it was told.
final class RecordingBackend: Backend {
    let failSamples: Mutex<Int>
    let applied = Mutex<[Change]>([])
    let samples = Mutex(0)

    init(failSamples: Int = 0) {
        self.failSamples = Mutex(failSamples)
    }

    struct Unreachable: Error, CustomStringConvertible {
        var description: String { "host unreachable" }
    }

    func sample() async throws -> HostSnapshot {
        let count = samples.withLock { value -> Int in
            value += 1
            return value
        }
        let fail = failSamples.withLock { remaining -> Bool in
            guard remaining > 0 else { return false }
            remaining -= 1
            return true
        }
        if fail { throw Unreachable() }
        let spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: .gibibytes(4)), maxVCPUs: 2)
        let vms = ["a", "b"].map { name in
            VMSample(
                id: VMID("00000000-0000-4000-8000-00000000000\(name == "a" ? 1 : 2)"), name: name, state: .running,
                spec: spec, current: VMAllocation(memory: .gibibytes(4), cpu: 2000, vcpus: 2, cpuWeight: .standard),
                cpu: CPUCounters(usageNanos: UInt64(count) * 1_000_000_000),
                memory: MemoryCounters(balloon: BalloonStats(available: .gibibytes(4), unused: .gibibytes(3))))
        }
        return HostSnapshot(
            host: HostSample(time: Double(count) * 2, capacity: ResourceVector(cpu: 4000, memory: .gibibytes(8)),
                             memoryAvailable: .gibibytes(2)),
            vms: vms)
    }

    var shrinksReleaseAtOnce: Bool { true }
    func growthAwaitsRelease(_ awaiting: Bool) async {}

    func apply(_ changes: [Change]) async -> [ChangeResult] {
        applied.withLock { $0 += changes }
        return changes.map { _ in .applied }
    }
}

/// Counts what the loop reported.
final class CountingObserver: TickObserver {
    let completed = Mutex(0)
    let failed = Mutex(0)

    func tickCompleted(_ report: TickReport, seconds: Double, late: Bool) async {
        completed.withLock { $0 += 1 }
    }

    func tickFailed(_ error: any Error) async {
        failed.withLock { $0 += 1 }
    }
}

@Suite("Daemon loop")
struct DaemonLoopTests {
    func makeLoop(backend: RecordingBackend, observer: CountingObserver, pacing: LoopPacing,
                  control: DaemonControl = DaemonControl(), settings: BalancerSettings = BalancerSettings(interval: 0.05),
                  reload: DaemonLoop.Reload? = nil) -> DaemonLoop {
        let engine = BalancerEngine(backend: backend, plugins: [], settings: settings)
        return DaemonLoop(engine: engine, control: control, observers: [observer], pacing: pacing,
                          reload: reload, logger: Logger(label: "test"))
    }

    @Test("--once runs exactly one tick and exits 0")
    func once() async {
        let backend = RecordingBackend()
        let observer = CountingObserver()
        let exit = await makeLoop(backend: backend, observer: observer, pacing: LoopPacing(once: true)).run()
        #expect(exit == .finished)
        #expect(exit.exitCode == 0)
        #expect(observer.completed.withLock { $0 } == 1)
    }

    @Test("--once against an unreachable backend exits 3 with the error")
    func onceUnreachable() async {
        let observer = CountingObserver()
        let exit = await makeLoop(backend: RecordingBackend(failSamples: 1), observer: observer,
                                  pacing: LoopPacing(once: true)).run()
        #expect(exit == .tickFailed("host unreachable"))
        #expect(exit.exitCode == 3)
        #expect(observer.failed.withLock { $0 } == 1)
    }

    @Test("a failing backend does not stop the loop; ticks resume when it recovers")
    func keepsRunning() async {
        let backend = RecordingBackend(failSamples: 3)
        let observer = CountingObserver()
        let exit = await makeLoop(backend: backend, observer: observer,
                                  pacing: LoopPacing(duration: 0.5, speed: 100)).run()
        #expect(exit == .finished)
        #expect(observer.failed.withLock { $0 } == 3)
        #expect(observer.completed.withLock { $0 } == 7)
    }

    @Test("a stop request ends the loop after the tick in progress")
    func stop() async {
        let control = DaemonControl()
        let observer = CountingObserver()
        let loop = makeLoop(backend: RecordingBackend(), observer: observer, pacing: LoopPacing(), control: control)
        let task = Task { await loop.run() }
        while observer.completed.withLock({ $0 }) < 2 { try? await Task.sleep(for: .milliseconds(5)) }
        control.requestStop()
        let exit = await task.value
        #expect(exit == .finished)
        #expect(observer.completed.withLock { $0 } >= 2)
    }

    @Test("a reload that fails keeps the old settings; a good one replaces them and pushes the interval to health and state")
    func reload() async {
        let control = DaemonControl()
        let attempts = Mutex(0)
        let reload: DaemonLoop.Reload = {
            let attempt = attempts.withLock { value -> Int in
                value += 1
                return value
            }
            if attempt == 1 {
                return .failure(ConfigError(issues: [ConfigIssue(file: "x", line: 1, key: "interval", message: "bad")]))
            }
            return .success(DaemonLoop.Reloaded(settings: BalancerSettings(interval: 0.07), plugins: []))
        }
        let backend = RecordingBackend()
        let engine = BalancerEngine(backend: backend, plugins: [], settings: BalancerSettings(interval: 0.05))
        let pacing = LoopPacing(speed: 2)
        let observability = ObservabilityState(interval: pacing.wallSeconds(0.05))
        let loop = DaemonLoop(engine: engine, control: control, observers: [MetricsObserver(state: observability)],
                              pacing: pacing, reload: reload, logger: Logger(label: "test"))
        let task = Task { await loop.run() }
        control.requestReload()
        while attempts.withLock({ $0 }) < 1 { try? await Task.sleep(for: .milliseconds(5)) }
        #expect(await engine.settings.interval == 0.05)
        control.requestReload()
        var waited = 0
        while await engine.settings.interval != 0.07, waited < 400 {
            try? await Task.sleep(for: .milliseconds(5))
            waited += 1
        }
        #expect(attempts.withLock { $0 } == 2)
        #expect(await engine.settings.interval == 0.07)
        waited = 0
        while await observability.healthPolicy.interval != 0.035, waited < 400 {
            try? await Task.sleep(for: .milliseconds(5))
            waited += 1
        }
        #expect(await observability.stateDocument().intervalSeconds == 0.035)
        control.requestStop()
        _ = await task.value
    }
}
