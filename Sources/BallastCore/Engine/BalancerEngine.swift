/// One tick of the loop against any backend: sample, estimate, run the policy
/// chain, govern, apply, and report. The actor is the single owner of the
/// balancer's state; callers (the daemon loop, tests) await `tick()`.
public actor BalancerEngine {
    private let backend: any Backend
    private var stages: [any PolicyStage]
    private var state: BalancerState
    private let clock = ContinuousClock()

    public init(backend: any Backend, stages: [any PolicyStage], settings: BalancerSettings) {
        self.backend = backend
        self.stages = stages
        self.state = BalancerState(settings: settings)
    }

    public var settings: BalancerSettings { state.settings }

    /// Swaps in new settings and a new chain (config reload); history is kept.
    public func reconfigure(_ settings: BalancerSettings, stages: [any PolicyStage]) {
        state.reconfigure(settings)
        self.stages = stages
    }

    /// Runs one tick. Throws only when the backend cannot be sampled at all.
    public func tick() async throws -> TickReport {
        let raw = try await backend.sample()
        let snapshot = state.prepare(raw)
        let balanced = Set(snapshot.vms.map(\.id))
        let unbalanced = raw.vms.filter { !balanced.contains($0.id) }

        var proposal = Proposal.keepCurrent(snapshot)
        var outcomes: [StageOutcome] = []
        for stage in stages {
            let start = clock.now
            do {
                proposal = try await stage.decide(snapshot, previous: proposal)
                outcomes.append(StageOutcome(stage: stage.name, result: "ok", seconds: seconds(since: start)))
            } catch {
                outcomes.append(StageOutcome(stage: stage.name, result: "skipped: \(error)", seconds: seconds(since: start)))
            }
        }

        let decision = state.govern(snapshot, proposal: proposal)
        let applied: [AppliedChange]
        if state.settings.governor.dryRun {
            applied = decision.changes.map { AppliedChange(change: $0, outcome: .skipped("dry run")) }
        } else {
            applied = decision.changes.isEmpty ? [] : await backend.apply(decision.changes)
        }
        for stage in stages {
            await stage.observe(snapshot, applied: applied)
        }
        return TickReport(snapshot: snapshot, unbalanced: unbalanced, proposal: proposal, stages: outcomes,
                          decision: decision, applied: applied)
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
