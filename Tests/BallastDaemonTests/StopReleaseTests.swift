import BallastCore
@testable import BallastDaemon
import Logging
import Synchronization
import Testing

/// A host double whose VMs keep the sizes they are given, so that what the engine
/// applied and what a release restores can be read back.
final class SizedBackend: Backend {
    static let start = VMAllocation(memory: .gibibytes(4), cpu: 2000, vcpus: 2, cpuWeight: .standard)
    enum ReleaseMode { case obey, refuse, stall }

    let sizes = Mutex<[String: VMAllocation]>(["a": SizedBackend.start, "b": SizedBackend.start])
    let mode = Mutex(ReleaseMode.obey)
    let applyCalls = Mutex(0)
    let samples = Mutex(0)

    func sample() async throws -> HostSnapshot {
        let count = samples.withLock { value -> Int in
            value += 1
            return value
        }
        let spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: .gibibytes(4)), maxVCPUs: 2)
        let vms = sizes.withLock { $0 }.sorted { $0.key < $1.key }.map { name, current in
            VMSample(id: VMID("00000000-0000-4000-8000-00000000000\(name == "a" ? 1 : 2)"), name: name, state: .running,
                     spec: spec, current: current, cpu: CPUCounters(usageNanos: UInt64(count) * 100_000_000),
                     memory: MemoryCounters(balloon: BalloonStats(available: current.memory, unused: current.memory / 2)))
        }
        return HostSnapshot(host: HostSample(time: Double(count) * 2, capacity: ResourceVector(cpu: 4000, memory: .gibibytes(8)),
                                             memoryAvailable: .gibibytes(2)), vms: vms)
    }

    var shrinksReleaseAtOnce: Bool { true }
    func growthAwaitsRelease(_ awaiting: Bool) async {}

    func apply(_ changes: [Change]) async -> [ChangeResult] {
        applyCalls.withLock { $0 += 1 }
        switch mode.withLock({ $0 }) {
        case .refuse: return changes.map { _ in ChangeResult(.failed("operation refused")) }
        case .stall: try? await Task.sleep(for: .seconds(30))
        case .obey: break
        }
        sizes.withLock { sizes in
            for change in changes {
                switch change.adjustment {
                case .memory(_, let to): sizes[change.vmName]?.memory = to
                case .cpuQuota(_, let to): sizes[change.vmName]?.cpu = to
                case .vcpus(_, let to): sizes[change.vmName]?.vcpus = to
                case .cpuWeight(_, let to): sizes[change.vmName]?.cpuWeight = to
                }
            }
        }
        return changes.map { _ in .applied }
    }
}

@Suite("on_stop: release and keep")
struct StopReleaseTests {
    let logger = Logger(label: "ballast-test")

    /// An engine on `backend` ticked until it has resized a VM.
    func balanced(_ backend: SizedBackend, dryRun: Bool = false) async throws -> BalancerEngine {
        var settings = BalancerSettings()
        settings.governor.dryRun = dryRun
        let engine = BalancerEngine(backend: backend, plugins: [], settings: settings)
        for _ in 0..<6 { _ = try await engine.tick() }
        return engine
    }

    func release(_ engine: BalancerEngine, _ action: StopPolicy.Action, timeout: Double = 10, dryRun: Bool = false) async -> Bool {
        await StopRelease(engine: engine, policy: StopPolicy(action: action, timeout: timeout), dryRun: dryRun,
                          logger: logger).run()
    }

    @Test("release gives every resized VM its starting size back through the backend")
    func releaseRestoresStartingSizes() async throws {
        let backend = SizedBackend()
        let engine = try await balanced(backend)
        let balanced = backend.sizes.withLock { $0 }
        try #require(balanced.values.contains { $0 != SizedBackend.start }, "the engine resized nothing: \(balanced)")
        #expect(await release(engine, .release))
        #expect(backend.sizes.withLock { $0 } == ["a": SizedBackend.start, "b": SizedBackend.start])
    }

    @Test("keep leaves the sizes as the engine set them")
    func keepLeavesSizes() async throws {
        let backend = SizedBackend()
        let engine = try await balanced(backend)
        let balanced = backend.sizes.withLock { $0 }
        #expect(await release(engine, .keep))
        #expect(backend.sizes.withLock { $0 } == balanced)
    }

    @Test("a dry run changed nothing, so release applies nothing")
    func dryRunReleasesNothing() async throws {
        let backend = SizedBackend()
        let engine = try await balanced(backend, dryRun: true)
        #expect(await release(engine, .release, dryRun: true))
        #expect(backend.applyCalls.withLock { $0 } == 0)
        #expect(await engine.resizedVMs.isEmpty)
    }

    @Test("a refused restore and a restore past stop_timeout both report failure")
    func failuresAreReported() async throws {
        for mode in [SizedBackend.ReleaseMode.refuse, .stall] {
            let backend = SizedBackend()
            let engine = try await balanced(backend)
            try #require(await !engine.resizedVMs.isEmpty)
            backend.mode.withLock { $0 = mode }
            #expect(await release(engine, .release, timeout: 0.2) == false, "\(mode)")
        }
    }

    @Test("a VM gone or opted out since is left alone; only the knobs that were turned are restored")
    func planLeavesGoneAndOptedOutVMs() {
        let spec = VMSpec(ceiling: ResourceVector(cpu: 2000, memory: .gibibytes(4)), maxVCPUs: 2)
        func vm(_ name: String, _ current: VMAllocation, optOut: Bool = false) -> VMSample {
            var spec = spec
            spec.optOut = optOut
            return VMSample(id: VMID(name), name: name, state: .running, spec: spec, current: current, cpu: nil,
                            memory: MemoryCounters())
        }
        var shrunk = SizedBackend.start
        shrunk.memory = .gibibytes(2)
        shrunk.cpuWeight = CPUWeight(clamping: 500)
        var sizes = StartingSizes()
        sizes.saw(["kept", "gone", "opted"].map { vm($0, SizedBackend.start) })
        sizes.record(AppliedChanges(["kept", "gone", "opted"].map {
            AppliedChange(change: Change(vm: VMID($0), vmName: $0, .memory(from: .gibibytes(4), to: .gibibytes(2)),
                                         reason: "test"), outcome: .applied)
        }))
        let host = HostSnapshot(host: HostSample(time: 0, capacity: .zero, memoryAvailable: 0),
                                vms: [vm("kept", shrunk), vm("opted", shrunk, optOut: true)])
        let plans = sizes.plan(host)
        #expect(plans.map(\.vm) == ["gone", "kept", "opted"])
        #expect(plans[0].changes.isEmpty && plans[0].left?.contains("no longer on the host") == true)
        // The weight moved outside Ballast: only the memory Ballast turned goes back.
        #expect(plans[1].changes.map(\.adjustment) == [.memory(from: .gibibytes(2), to: .gibibytes(4))])
        #expect(plans[2].changes.isEmpty && plans[2].left?.contains("opted out") == true)
    }

    /// `record` reads a VM's changes as one run but must not depend on it: changes of
    /// one VM split by another's, a failed change in the middle, the same knob twice
    /// across ticks. Only knobs whose change applied are restored.
    @Test func recordKeepsOnlyAppliedKnobsWhateverTheOrder() {
        func change(_ vm: String, _ adjustment: Adjustment, _ outcome: ChangeOutcome = .applied) -> AppliedChange {
            AppliedChange(change: Change(vm: VMID(vm), vmName: vm, adjustment, reason: "test"), outcome: outcome)
        }
        func vm(_ name: String, _ current: VMAllocation) -> VMSample {
            VMSample(id: VMID(name), name: name, state: .running,
                     spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(8)), maxVCPUs: 4),
                     current: current, cpu: nil, memory: MemoryCounters())
        }
        var sizes = StartingSizes()
        sizes.saw([vm("a", SizedBackend.start), vm("b", SizedBackend.start)])
        sizes.record([change("a", .memory(from: .gibibytes(4), to: .gibibytes(3))),
                      change("a", .cpuQuota(from: 2000, to: 1000), .failed("refused")),
                      change("b", .vcpus(from: 2, to: 1)),
                      change("a", .vcpus(from: 2, to: 3))])
        sizes.record([change("a", .memory(from: .gibibytes(3), to: .gibibytes(2)))])
        let moved = VMAllocation(memory: .gibibytes(2), cpu: 1000, vcpus: 3, cpuWeight: .standard)
        let plans = sizes.plan(HostSnapshot(host: HostSample(time: 0, capacity: .zero, memoryAvailable: 0),
                                            vms: [vm("a", moved), vm("b", VMAllocation(memory: .gibibytes(4), cpu: 2000,
                                                                                          vcpus: 1, cpuWeight: .standard))]))
        #expect(plans.map(\.vm) == ["a", "b"])
        #expect(plans.first?.changes.map(\.adjustment) == [.memory(from: .gibibytes(2), to: .gibibytes(4)),
                                                          .vcpus(from: 3, to: 2)])
        #expect(plans.last?.changes.map(\.adjustment) == [.vcpus(from: 1, to: 2)])
    }

    /// `saw` skips a tick that lists the VMs it listed last, and `record` skips the lookup
    /// for a VM that turns, at the same place as last tick, only knobs already recorded:
    /// neither may miss a VM that is new, or a knob turned for the first time, wherever
    /// it comes in the list.
    @Test func theShortcutsMissNoNewVMAndNoNewKnob() {
        func change(_ vm: String, _ adjustment: Adjustment, _ outcome: ChangeOutcome = .applied) -> AppliedChange {
            AppliedChange(change: Change(vm: VMID(vm), vmName: vm, adjustment, reason: "test"), outcome: outcome)
        }
        func vm(_ name: String, memory: UInt64) -> VMSample {
            VMSample(id: VMID(name), name: name, state: .running,
                     spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(8)), maxVCPUs: 4),
                     current: VMAllocation(memory: memory, cpu: 2000, vcpus: 2, cpuWeight: .standard), cpu: nil,
                     memory: MemoryCounters())
        }
        var sizes = StartingSizes()
        sizes.saw([vm("a", memory: .gibibytes(4)), vm("b", memory: .gibibytes(4))])
        sizes.saw([vm("a", memory: .gibibytes(3)), vm("b", memory: .gibibytes(3))])
        sizes.saw([vm("a", memory: .gibibytes(3)), vm("c", memory: .gibibytes(5)), vm("b", memory: .gibibytes(3))])
        sizes.saw([vm("c", memory: .gibibytes(2)), vm("b", memory: .gibibytes(3)), vm("a", memory: .gibibytes(3))])
        sizes.record([change("a", .memory(from: .gibibytes(4), to: .gibibytes(3))),
                      change("b", .memory(from: .gibibytes(4), to: .gibibytes(3)))])
        // b in the same place, a knob it never turned: recorded.
        sizes.record([change("a", .memory(from: .gibibytes(3), to: .gibibytes(3))),
                      change("b", .vcpus(from: 2, to: 3))])
        // c where b was, a where nothing was, a failed change in between.
        sizes.record([change("b", .cpuQuota(from: 2000, to: 1000), .failed("refused")),
                      change("c", .memory(from: .gibibytes(5), to: .gibibytes(2))),
                      change("a", .cpuWeight(from: .standard, to: CPUWeight(clamping: 500)))])
        // The same again: nothing new, nothing lost.
        sizes.record([change("b", .cpuQuota(from: 2000, to: 1000), .failed("refused")),
                      change("c", .memory(from: .gibibytes(5), to: .gibibytes(2))),
                      change("a", .cpuWeight(from: .standard, to: CPUWeight(clamping: 500)))])
        let now = VMAllocation(memory: .gibibytes(1), cpu: 1000, vcpus: 3, cpuWeight: CPUWeight(clamping: 500))
        let plans = sizes.plan(HostSnapshot(host: HostSample(time: 0, capacity: .zero, memoryAvailable: 0), vms: [
            VMSample(id: VMID("a"), name: "a", state: .running, spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(8)), maxVCPUs: 4),
                     current: now, cpu: nil, memory: MemoryCounters()),
            VMSample(id: VMID("b"), name: "b", state: .running, spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(8)), maxVCPUs: 4),
                     current: now, cpu: nil, memory: MemoryCounters()),
            VMSample(id: VMID("c"), name: "c", state: .running, spec: VMSpec(ceiling: ResourceVector(cpu: 4000, memory: .gibibytes(8)), maxVCPUs: 4),
                     current: now, cpu: nil, memory: MemoryCounters()),
        ]))
        #expect(plans.map(\.vm) == ["a", "b", "c"])
        // Each back to the size it had when first seen (a and b at 4 GiB, c, first seen a
        // tick later, at 5 GiB), only for the knobs turned.
        #expect(plans[0].changes.map(\.adjustment) == [.memory(from: .gibibytes(1), to: .gibibytes(4)),
                                                       .cpuWeight(from: CPUWeight(clamping: 500), to: .standard)])
        #expect(plans[1].changes.map(\.adjustment) == [.memory(from: .gibibytes(1), to: .gibibytes(4)),
                                                       .vcpus(from: 3, to: 2)])
        #expect(plans[2].changes.map(\.adjustment) == [.memory(from: .gibibytes(1), to: .gibibytes(5))])
    }
}
