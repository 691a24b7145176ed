/// What `ballast run` does to the sizes it set when it stops (`on_stop`, `stop_timeout`).
/// `keep` leaves every VM as it is, which is safe only when each balloon deflates on
/// the guest's OOM (`<memballoon autodeflate='on'>`); `release` gives every VM Ballast
/// resized back what it had when Ballast first saw it, before the process exits.
public struct StopPolicy: Sendable, Hashable {
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Leave the sizes as they are (the default).
        case keep
        /// Restore each resized VM's starting size, bounded by `timeout`.
        case release
    }

    public var action: Action
    /// Seconds the release may take in all (sampling and every actuator call).
    public var timeout: Double

    public static let defaultTimeout = 10.0

    public init(action: Action = .keep, timeout: Double = StopPolicy.defaultTimeout) {
        self.action = action
        self.timeout = timeout
    }
}
