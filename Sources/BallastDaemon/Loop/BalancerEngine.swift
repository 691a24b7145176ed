import BallastCore

/// The tick against a live backend: sample, the tick core's steps with the plugin
/// chain between the allocator and the governor, apply, and tell the plugins. The
/// actor is the single owner of the balancer's state (`TickCore`); the daemon loop
/// and tests await `tick()`.
///
/// Everything that is not I/O is the tick core's, which the simulator runs too:
/// this type only adds the backend, the asynchronous plugin stages, dry run and
/// how long each stage took.
public actor BalancerEngine {
    private let backend: any Backend
    private var plugins: [any PolicyStage]
    private var core: TickCore
    private var startingSizes = StartingSizes()
    private let clock = ContinuousClock()

    /// `plugins` run in order after the built-in fair share.
    public init(backend: any Backend, plugins: [any PolicyStage], settings: BalancerSettings) {
        self.backend = backend
        self.plugins = plugins
        self.core = TickCore(settings: settings, shrinksReleaseAtOnce: backend.shrinksReleaseAtOnce)
    }

    public var settings: BalancerSettings { core.settings }

    /// Swaps in new settings and a new plugin chain (config reload); history is kept.
    public func reconfigure(_ settings: BalancerSettings, plugins: [any PolicyStage]) {
        core.reconfigure(settings)
        self.plugins = plugins
    }

    /// Runs one tick (`urgent`: outside the interval, see `TickCore.prepare`). Throws only
    /// when the backend cannot be sampled at all.
    public func tick(urgent: Bool = false) async throws -> TickReport {
        let raw = try await backend.sample()
        startingSizes.saw(raw.vms)
        let prepared = core.prepare(raw, urgent: urgent)
        let snapshot = prepared.snapshot

        let allocatorStart = clock.now
        var proposal = core.allocate(snapshot)
        var outcomes = [StageOutcome(stage: core.allocatorName, result: "ok",
                                     seconds: (clock.now - allocatorStart).seconds)]
        for plugin in plugins {
            let start = clock.now
            do {
                proposal = try await plugin.decide(snapshot, previous: proposal)
                outcomes.append(StageOutcome(stage: plugin.name, result: "ok", seconds: (clock.now - start).seconds))
            } catch {
                outcomes.append(StageOutcome(stage: plugin.name, result: "skipped: \(error)",
                                             seconds: (clock.now - start).seconds))
            }
        }

        let decision = core.govern(snapshot, proposal: proposal)
        let applied: AppliedChanges
        if core.settings.governor.dryRun {
            applied = AppliedChanges(changes: decision.changes, all: ChangeResult(.skipped("dry run")))
        } else {
            let results = decision.changes.isEmpty ? [] : await backend.apply(decision.changes)
            applied = AppliedChanges(changes: decision.changes, results: results)
            await backend.growthAwaitsRelease(decision.growthAwaitsRelease)
            startingSizes.record(applied)
        }
        for plugin in plugins {
            await plugin.observe(snapshot, applied: applied)
        }
        return TickReport(snapshot: snapshot, unbalanced: prepared.unbalanced, proposal: proposal, stages: outcomes,
                          decision: decision, applied: applied, virtioMem: prepared.virtioMem)
    }

    /// The names of the VMs this engine has resized, sorted: what a release restores.
    var resizedVMs: [String] { startingSizes.resizedNames }

    /// Gives every VM this engine resized back its starting size (`on_stop = "release"`):
    /// a fresh sample, then the restoring changes through the backend's actuators.
    /// Throws only when the backend cannot be sampled.
    func release() async throws -> [ReleaseOutcome] {
        let plans = startingSizes.plan(try await backend.sample())
        let changes = plans.flatMap(\.changes)
        let applied = AppliedChanges(changes: changes, results: changes.isEmpty ? [] : await backend.apply(changes))
        // A backend answers each change in the order given.
        var next = applied[...]
        return plans.map { plan in
            defer { next = next.dropFirst(plan.changes.count) }
            return ReleaseOutcome(vm: plan.vm, applied: Array(next.prefix(plan.changes.count)), left: plan.left)
        }
    }
}
