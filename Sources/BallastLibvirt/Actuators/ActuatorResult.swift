import BallastCore

/// What an actuator that has a choice of ways (vCPUs, virtio-mem) made of a change
/// when it did not throw: done, with how, or skipped, with why.
enum ActuatorResult: Sendable, Hashable {
    /// Done; the words say which way ("through the guest agent", "virtio-mem asked for ...").
    case applied(how: String)
    case skipped(String)

    /// The change with this outcome, as `apply` reports it.
    func reported(_ change: Change) -> AppliedChange {
        switch self {
        case .applied(let how): AppliedChange(change: change, outcome: .applied, how: how)
        case .skipped(let why): AppliedChange(change: change, outcome: .skipped(why))
        }
    }
}
