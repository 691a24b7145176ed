import BallastCore
import BallastLogging
import BallastPlugins

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
    public var plugins: [PluginConfiguration]
    /// `on_stop` and `stop_timeout`: what the daemon does to the sizes it set when it stops.
    public var onStop = StopPolicy()
    /// `allow_remote`: whether `listen` may be a non-loopback address.
    public var allowRemote = false
    /// `[ksm]`: whether and how Ballast drives the kernel's same-page merging (off by default).
    public var ksm = KSMSettings()
    /// `lock_dir`: where a live daemon holds its one-balancer-per-libvirt lock.
    public var lockDirectory = BalancerLock.defaultDirectory

    public static let defaultListen = "127.0.0.1:9477"
    public static let defaultConnect = "qemu:///system"

    public init(balancer: BalancerSettings = .init(), listen: String = BallastConfig.defaultListen,
                logFormat: LogFormat = .text, connect: String = BallastConfig.defaultConnect,
                vmOverrides: [VMOverride] = [], plugins: [PluginConfiguration] = []) {
        self.balancer = balancer
        self.listen = listen
        self.logFormat = logFormat
        self.connect = connect
        self.vmOverrides = vmOverrides
        self.plugins = plugins
    }
}
