/// How to run and supervise one plugin: what the daemon builds from a
/// `[[plugin]]` table of the config file. Times are seconds.
public struct PluginConfiguration: Sendable, Hashable {
    /// Unique name, used in logs, metrics and `Proposal.Entry.stage`.
    public var name: String
    /// Program and arguments, run without a shell (`command` in TOML).
    public var command: [String]
    /// Directory the process starts in; `nil` keeps Ballast's.
    public var workingDirectory: String?
    /// Names of Ballast's environment variables passed through; nothing else is.
    public var environment: [String]
    /// User and group to run as (via util-linux `setpriv`); `nil` keeps Ballast's.
    public var user: String?
    public var group: String?
    /// How long one `decide` may take, start-up included, before the tick goes on without it.
    public var deadline: Double
    /// How long the `initialize` handshake may take (it runs in the background, not in the tick).
    public var handshakeTimeout: Double
    public var restart: RestartSettings
    /// The plugin's own options, sent in `initialize`; always a JSON object.
    public var options: JSONValue
    /// Largest line accepted from the plugin, newline excluded.
    public var maximumLineBytes: Int
    /// stderr lines forwarded to the log per second; the rest are counted and dropped.
    public var stderrLinesPerSecond: Int

    /// The default per-request deadline: well under the 2-second tick.
    public static let defaultDeadline = 0.25

    public init(name: String, command: [String], workingDirectory: String? = nil, environment: [String] = [],
                user: String? = nil, group: String? = nil, deadline: Double = PluginConfiguration.defaultDeadline,
                handshakeTimeout: Double = 5, restart: RestartSettings = RestartSettings(),
                options: JSONValue = .object([:]), maximumLineBytes: Int = PluginProtocol.maximumLineBytes,
                stderrLinesPerSecond: Int = 100) {
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.user = user
        self.group = group
        self.deadline = deadline
        self.handshakeTimeout = handshakeTimeout
        self.restart = restart
        self.options = options
        self.maximumLineBytes = maximumLineBytes
        self.stderrLinesPerSecond = stderrLinesPerSecond
    }

    /// Refuses settings the supervisor cannot honour, naming the field.
    public func validate() throws(PluginError) {
        func bad(_ detail: String) -> PluginError { .invalidConfiguration(plugin: name, detail: detail) }
        if name.isEmpty { throw bad("name is empty") }
        if command.isEmpty || command[0].isEmpty { throw bad("command is empty; give the program and its arguments") }
        if !(deadline > 0 && deadline <= 60) { throw bad("deadline \(deadline) s is outside (0, 60]") }
        if !(handshakeTimeout > 0) { throw bad("handshake timeout must be positive") }
        guard case .object = options else { throw bad("options must be a table (JSON object), got \(options.typeName)") }
        if maximumLineBytes < 1024 { throw bad("maximum line size \(maximumLineBytes) is below 1024 bytes") }
        try restart.validate(plugin: name)
    }
}

/// Restart back-off and quarantine: after a failure the plugin is restarted
/// after `initialBackoff`, doubling per consecutive failure up to `maximumBackoff`;
/// `quarantineAfter` failures within `quarantineWindow` quarantine it for
/// `quarantineDuration`, after which it is tried again.
public struct RestartSettings: Sendable, Hashable {
    public var initialBackoff: Double
    public var maximumBackoff: Double
    public var quarantineAfter: Int
    public var quarantineWindow: Double
    public var quarantineDuration: Double

    public init(initialBackoff: Double = 1, maximumBackoff: Double = 60, quarantineAfter: Int = 5,
                quarantineWindow: Double = 300, quarantineDuration: Double = 600) {
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.quarantineAfter = quarantineAfter
        self.quarantineWindow = quarantineWindow
        self.quarantineDuration = quarantineDuration
    }

    func validate(plugin: String) throws(PluginError) {
        func bad(_ detail: String) -> PluginError { .invalidConfiguration(plugin: plugin, detail: detail) }
        if initialBackoff < 0 || maximumBackoff < initialBackoff { throw bad("back-off must satisfy 0 <= initial <= maximum") }
        if quarantineAfter < 1 { throw bad("quarantine_after must be at least 1") }
        if quarantineWindow <= 0 || quarantineDuration <= 0 { throw bad("quarantine window and duration must be positive") }
    }
}
