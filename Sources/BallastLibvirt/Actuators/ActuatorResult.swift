import BallastCore

/// What an actuator that has a choice of ways (vCPUs, virtio-mem) made of a change
/// when it did not throw: done, with how, or skipped, with why.
enum ActuatorResult: Sendable, Hashable {
    /// Done; the words say which way ("through the guest agent", "virtio-mem asked for ...").
    case applied(how: String)
    case skipped(String)

    /// The outcome as `apply` reports it.
    var reported: ChangeResult {
        switch self {
        case .applied(let how): ChangeResult(.applied, how: how)
        case .skipped(let why): ChangeResult(.skipped(why))
        }
    }
}
