import BallastLogging

/// The settings of `ballast.toml` that take effect only when the daemon starts:
/// the endpoint's address, the log format and the libvirt connection are set up
/// once. A reload that changes one says so instead of ignoring it silently.
enum RestartOnlySettings {
    /// Each restart-only setting `new` changes, as `key: old -> new`.
    static func changes(from old: BallastConfig, to new: BallastConfig) -> [String] {
        var changes: [String] = []
        if old.listen != new.listen { changes.append("listen: \(old.listen) -> \(new.listen)") }
        if old.logFormat != new.logFormat {
            changes.append("log_format: \(old.logFormat.rawValue) -> \(new.logFormat.rawValue)")
        }
        if old.connect != new.connect { changes.append("connect: \(old.connect) -> \(new.connect)") }
        return changes
    }
}
