import BallastCore
import BallastMetrics

/// A plugin as the config file declares it (`[[plugin]]`). The plugin
/// supervisor turns it into a running stage.
public struct PluginDeclaration: Sendable, Hashable {
    public var name: String
    public var command: [String]
    public var workingDirectory: String?
    public var environment: [String]
    public var user: String?
    public var group: String?
    public var deadlineMilliseconds: Int?
    /// The plugin's own options, as JSON text, passed verbatim in `initialize`.
    public var optionsJSON: String

    public init(name: String, command: [String], workingDirectory: String? = nil, environment: [String] = [],
                user: String? = nil, group: String? = nil, deadlineMilliseconds: Int? = nil, optionsJSON: String = "{}") {
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.user = user
        self.group = group
        self.deadlineMilliseconds = deadlineMilliseconds
        self.optionsJSON = optionsJSON
    }
}

/// Everything `ballast.toml` can say, validated. Built by `ConfigLoader`;
/// the defaults are what an absent file means.
public struct BallastConfig: Sendable, Hashable {
    public var balancer: BalancerSettings
    /// Address of the HTTP endpoint (`/metrics`, `/healthz`, `/v1/state`).
    public var listen: String
    public var logFormat: LogFormat
    /// libvirt connection URI for `ballast run --backend libvirt`.
    public var connect: String
    public var vmOverrides: [VMOverride]
    public var plugins: [PluginDeclaration]

    public static let defaultListen = "127.0.0.1:9477"
    public static let defaultConnect = "qemu:///system"

    public init(balancer: BalancerSettings = .init(), listen: String = BallastConfig.defaultListen,
                logFormat: LogFormat = .text, connect: String = BallastConfig.defaultConnect,
                vmOverrides: [VMOverride] = [], plugins: [PluginDeclaration] = []) {
        self.balancer = balancer
        self.listen = listen
        self.logFormat = logFormat
        self.connect = connect
        self.vmOverrides = vmOverrides
        self.plugins = plugins
    }
}
