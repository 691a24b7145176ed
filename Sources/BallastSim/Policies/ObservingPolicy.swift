import BallastCore

/// A policy the comparison runs against a simulated host. It sees only what
/// a real host shows (the `HostSnapshot`), never the true demand, and returns
/// the allocation it wants for every VM, in the snapshot's order. Synchronous,
/// because the comparison loop runs it millions of times.
public protocol ObservingPolicy: Sendable {
    var name: String { get }
    mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation]
}

/// The policies `ballast simulate` knows by name. `ballast-predict` is Ballast with its
/// prediction stage on (`[estimator.prediction] enabled`), beside the reactive `ballast`;
/// `ballast-quota` is `ballast` with each VM's CPU share as its quota instead of its
/// weight (`[allocator] cpu_enforcement = "quota"`, the default until 2026-12-05).
public enum PolicyKind: String, Sendable, CaseIterable, Hashable {
    case ballast
    case ballastPredict = "ballast-predict"
    case ballastQuota = "ballast-quota"
    case `static`, mom, proxmox, oracle

    /// What `ballast simulate` compares unless `--policy` says otherwise: every policy but
    /// the two variants of `ballast`, whose settings are not the daemon's defaults.
    public static let comparedByDefault: [PolicyKind] = [.ballast, .static, .mom, .proxmox, .oracle]
}
