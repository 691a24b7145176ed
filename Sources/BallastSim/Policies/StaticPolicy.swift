import BallastCore

/// No balancer: every VM stays at its configured size scaled to fit the host
/// (the static point every policy starts from).
public struct StaticPolicy: ObservingPolicy {
    public let name = "static"

    public init() {}

    public mutating func decide(_ snapshot: HostSnapshot) -> [VMAllocation] {
        snapshot.vms.map(\.current)
    }
}
