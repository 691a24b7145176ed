import BallastCore
import BallastLogging

/// The settings of `ballast.toml` that take effect only when the daemon starts:
/// the endpoint's address, the log format, the libvirt connection and its event
/// path (`[events]` but the urgent-tick rate), the lock and what happens at stop are
/// set up once (a dry run holds no lock, so `dry_run` too). A reload that changes one
/// says so instead of ignoring it silently.
enum RestartOnlySettings {
    /// Each restart-only setting `new` changes, as `key: old -> new`.
    static func changes(from old: BallastConfig, to new: BallastConfig) -> [String] {
        var changes: [String] = []
        if old.listen != new.listen { changes.append("listen: \(old.listen) -> \(new.listen)") }
        if old.logFormat != new.logFormat {
            changes.append("log_format: \(old.logFormat.rawValue) -> \(new.logFormat.rawValue)")
        }
        if old.connect != new.connect { changes.append("connect: \(old.connect) -> \(new.connect)") }
        var oldEvents = old.balancer.events
        oldEvents.maxUrgentTicksPerSecond = new.balancer.events.maxUrgentTicksPerSecond
        if oldEvents != new.balancer.events {
            changes.append("[events] (all but max_urgent_ticks_per_second): set up at start")
        }
        if BalloonWatchRules(settings: old.balancer) != BalloonWatchRules(settings: new.balancer) {
            changes.append("memory_headroom/memory_headroom_fraction/min_memory_change/guest_memory/emergency_free_fraction: "
                + "ticks use the new values, the balloon watch's urgent-tick rules keep the old ones")
        }
        if old.balancer.governor.dryRun != new.balancer.governor.dryRun {
            changes.append("dry_run: \(old.balancer.governor.dryRun) -> \(new.balancer.governor.dryRun)")
        }
        if old.onStop != new.onStop {
            changes.append("on_stop/stop_timeout: \(old.onStop.action.rawValue) \(old.onStop.timeout)s -> "
                + "\(new.onStop.action.rawValue) \(new.onStop.timeout)s")
        }
        if old.allowRemote != new.allowRemote { changes.append("allow_remote: \(old.allowRemote) -> \(new.allowRemote)") }
        if old.lockDirectory != new.lockDirectory { changes.append("lock_dir: \(old.lockDirectory) -> \(new.lockDirectory)") }
        return changes
    }
}
