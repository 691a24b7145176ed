import BallastCore
import Synchronization

/// Wraps a backend and lays the config file's per-VM overrides over each
/// sampled VM's spec (the hypervisor's own policy inputs come first, the
/// operator's config wins). The overrides can be swapped on reload.
public final class OverridingBackend: Backend {
    private let inner: any Backend
    private let overrides: Mutex<[VMOverride]>

    public init(_ inner: any Backend, overrides: [VMOverride]) {
        self.inner = inner
        self.overrides = Mutex(overrides)
    }

    public func replaceOverrides(_ new: [VMOverride]) {
        overrides.withLock { $0 = new }
    }

    public func sample() async throws -> HostSnapshot {
        var snapshot = try await inner.sample()
        let current = overrides.withLock { $0 }
        guard !current.isEmpty else { return snapshot }
        for index in snapshot.vms.indices {
            let vm = snapshot.vms[index]
            snapshot.vms[index].spec = current.reduce(vm.spec) { spec, override in
                override.matches(id: vm.id, name: vm.name) ? override.apply(to: spec) : spec
            }
        }
        return snapshot
    }

    public func apply(_ changes: [Change]) async -> [ChangeResult] {
        await inner.apply(changes)
    }

    public var shrinksReleaseAtOnce: Bool { inner.shrinksReleaseAtOnce }

    public func growthAwaitsRelease(_ awaiting: Bool) async {
        await inner.growthAwaitsRelease(awaiting)
    }

    public func shutdown() async {
        await inner.shutdown()
    }
}
