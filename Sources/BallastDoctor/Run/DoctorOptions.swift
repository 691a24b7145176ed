import BallastCgroups

/// What `ballast doctor` checks and how long it may wait.
public struct DoctorOptions: Sendable {
    /// `--connect`: overrides the config's `connect`.
    public var uri: String?
    /// `--config`: the config whose host reserve, `connect` and `[vm]` opt-outs are checked.
    public var configPath: String?
    /// `--domain`: check only these domains (by name); empty = every domain.
    public var domains: [String]
    /// The longest a connection attempt may take, seconds.
    public var connectTimeout: Double
    /// The longest to wait for a guest's first balloon statistics when a period is set
    /// but none arrived yet (a domain just started), seconds.
    public var statsWait: Double
    /// Where host files are read (the host's root; a fixture tree in tests).
    public var fileSystem: any KernelFileSystem

    public init(uri: String? = nil, configPath: String? = nil, domains: [String] = [], connectTimeout: Double = 15,
                statsWait: Double = 6, fileSystem: any KernelFileSystem = RootedFileSystem.host) {
        self.uri = uri
        self.configPath = configPath
        self.domains = domains
        self.connectTimeout = connectTimeout
        self.statsWait = statsWait
        self.fileSystem = fileSystem
    }
}
