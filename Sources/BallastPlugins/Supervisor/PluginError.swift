import BallastCore
/// Everything that can go wrong with one plugin, typed so the supervisor can
/// decide between "skip this tick", "restart" and "quarantine", and so that
/// every message says which plugin, what happened and what to do next.
public enum PluginError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration is unusable (empty command, bad deadline, ...).
    case invalidConfiguration(plugin: String, detail: String)
    /// The process could not be started at all.
    case spawnFailed(plugin: String, detail: String)
    /// No answer within the deadline.
    case timeout(plugin: String, method: String, seconds: Double)
    /// The process exited or closed its stdout.
    case exited(plugin: String, detail: String)
    /// Garbage (invalid UTF-8 included), a wrong id, or a message before the handshake.
    case protocolViolation(plugin: String, detail: String)
    /// A stdout line longer than the protocol's maximum.
    case oversizedLine(plugin: String, limit: Int)
    /// Stdout ended `bytes` bytes into a line (no final newline); `exit` says how the process ended.
    case partialLine(plugin: String, bytes: Int, exit: String)
    /// Reading the plugin's stdout failed (`detail` holds the OS error text).
    case readFailed(plugin: String, detail: String)
    /// No common protocol version.
    case incompatibleVersion(plugin: String, detail: String)
    /// The plugin answered with something that is not a valid result.
    case invalidAnswer(plugin: String, method: String, detail: String)
    /// The plugin answered with a JSON-RPC error.
    case remoteError(plugin: String, method: String, code: Int64, message: String)
    /// The snapshot cannot be represented as JSON (NaN or infinity in it).
    case unencodable(plugin: String, detail: String)
    /// The process is still starting (handshake not finished); the tick goes on without it.
    case starting(plugin: String)
    /// Waiting before the next restart after a failure.
    case backingOff(plugin: String, retryInSeconds: Double, lastFailure: String)
    /// Too many failures in the window; retried after the quarantine.
    case quarantined(plugin: String, retryInSeconds: Double, lastFailure: String)

    /// The outcome label of `BalancerEvent.pluginRequest` and metrics.
    public var outcome: String {
        switch self {
        case .invalidConfiguration: "invalid_configuration"
        case .spawnFailed: "spawn_failed"
        case .timeout: "timeout"
        case .exited, .readFailed: "crashed"
        case .protocolViolation: "protocol_error"
        case .oversizedLine: "oversized"
        case .partialLine: "protocol_error"
        case .incompatibleVersion: "incompatible"
        case .invalidAnswer: "invalid"
        case .remoteError: "error"
        case .unencodable: "unencodable"
        case .starting: "starting"
        case .backingOff: "backing_off"
        case .quarantined: "quarantined"
        }
    }

    /// Whether this counts towards restart back-off and quarantine.
    public var isFailure: Bool {
        switch self {
        case .starting, .backingOff, .quarantined, .unencodable, .invalidConfiguration: false
        default: true
        }
    }

    /// Whether the process can no longer be trusted and is killed.
    public var killsProcess: Bool {
        switch self {
        case .remoteError, .starting, .backingOff, .quarantined, .unencodable, .invalidConfiguration: false
        default: true
        }
    }

    public var description: String {
        switch self {
        case .invalidConfiguration(let plugin, let detail):
            "plugin '\(plugin)': invalid configuration: \(detail); fix its [[plugin]] table"
        case .spawnFailed(let plugin, let detail):
            "plugin '\(plugin)': could not start: \(detail); check its command, working_directory and user"
        case .timeout(let plugin, let method, let seconds):
            "plugin '\(plugin)': no answer to \(method) within \(Int((seconds * 1000).rounded())) ms; it is restarted (raise deadline_ms if it is just slow)"
        case .exited(let plugin, let detail):
            "plugin '\(plugin)': \(detail); it is restarted with back-off (see its stderr lines)"
        case .protocolViolation(let plugin, let detail):
            "plugin '\(plugin)': protocol violation: \(detail); stdout must carry only JSON-RPC lines (log to stderr)"
        case .oversizedLine(let plugin, let limit):
            "plugin '\(plugin)': wrote a stdout line longer than \(limit) bytes (max_line_bytes of its initialize request); it is restarted (keep each message under the limit)"
        case .partialLine(let plugin, let bytes, let exit):
            "plugin '\(plugin)': stdout ended inside a line (\(bytes) bytes without a newline), then the process \(exit); it is restarted (end every message with a newline and flush before exiting)"
        case .readFailed(let plugin, let detail):
            "plugin '\(plugin)': reading its stdout failed: \(detail); it is restarted (if this repeats, check the system log)"
        case .incompatibleVersion(let plugin, let detail):
            "plugin '\(plugin)': incompatible protocol version: \(detail); update the plugin or Ballast"
        case .invalidAnswer(let plugin, let method, let detail):
            "plugin '\(plugin)': invalid \(method) answer: \(detail); see plugins/schema/"
        case .remoteError(let plugin, let method, let code, let message):
            "plugin '\(plugin)': \(method) failed in the plugin (code \(code)): \(message)"
        case .unencodable(let plugin, let detail):
            "plugin '\(plugin)': skipped: \(detail)"
        case .starting(let plugin):
            "plugin '\(plugin)': still starting (handshake not finished); skipped this tick"
        case .backingOff(let plugin, let retry, let last):
            "plugin '\(plugin)': skipped, restart in \(retry.decimalText(places: 1)) s after: \(last)"
        case .quarantined(let plugin, let retry, let last):
            "plugin '\(plugin)': quarantined after repeated failures, retried in \(retry.decimalText(places: 0)) s; last: \(last)"
        }
    }
}
