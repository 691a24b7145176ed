import BallastCore

/// A policy the comparison runs against a simulated host. It sees only what
/// a real host shows (the `HostSnapshot`), never the true demand, and returns
/// the allocation it wants for every VM, in the snapshot's order. Synchronous,
/// because the comparison loop runs it millions of times.
public protocol ObservingPolicy: Sendable {
    var name: String { get }
    mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation]
}

/// The policies `ballast simulate` knows by name.
public enum PolicyKind: String, Sendable, CaseIterable, Hashable {
    case ballast, `static`, mom, proxmox, oracle
}
