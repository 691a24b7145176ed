/// A hypervisor as the engine sees it: something that can be sampled and told
/// to apply changes. libvirt, the simulator and test doubles implement it.
///
/// `sample` returns raw counters; it throws only when the host as a whole cannot
/// be read (lost connection), in which case the tick is skipped and retried.
/// `apply` never throws: it answers each change with its own outcome, in the order given.
public protocol Backend: Sendable {
    func sample() async throws -> HostSnapshot
    func apply(_ changes: [Change]) async -> [ChangeResult]
    /// Whether a memory shrink has released its memory when `apply` returns (the
    /// simulator). False for a hypervisor: there growth funded by a shrink waits for
    /// the release (`Governor.shrinksReleaseAtOnce`).
    var shrinksReleaseAtOnce: Bool { get }
    /// Told after every apply whether memory growth waits for memory that shrinking
    /// guests are still releasing (`GovernorDecision.growthAwaitsRelease`). A backend
    /// whose shrinks take time asks for an urgent tick once one is done; one whose
    /// shrinks are done within `apply` has nothing to do.
    func growthAwaitsRelease(_ awaiting: Bool) async
    /// Ends the backend's connections and threads; nothing is called on it afterwards.
    /// The daemon calls it once, after the stop's release and before the process exits,
    /// so that no library thread is still tearing down while `exit()` runs the libraries'
    /// destructors. Default: nothing (a backend without threads of its own).
    func shutdown() async
}

extension Backend {
    public func shutdown() async {}
}

/// A stage of the policy chain after the built-in fair share (`TickCore.allocate`):
/// a plugin, or a test double. Gets the snapshot and the previous stage's
/// proposal and returns the whole next proposal (a plugin's partial answer is
/// merged onto `previous` by its adapter with `Proposal.merging`). Asynchronous,
/// because a plugin is another process.
///
/// A stage that fails (throws) is skipped for that tick: the previous proposal stands.
public protocol PolicyStage: Sendable {
    var name: String { get }
    func decide(_ snapshot: TickSnapshot, previous: Proposal) async throws -> Proposal
    /// Told what was applied at the end of the tick. Default: nothing.
    func observe(_ snapshot: TickSnapshot, applied: AppliedChanges) async
}

extension PolicyStage {
    public func observe(_ snapshot: TickSnapshot, applied: AppliedChanges) async {}
}
