import BallastCore
import BallastDaemon
import FoundationEssentials

/// The config `ballast doctor` checks against: the file `--config` names, else the
/// packaged one (/etc/ballast/ballast.toml) when it exists (a finding either way),
/// Ballast's defaults otherwise.
struct DoctorConfig {
    /// Where the Debian package installs the config, and where the unit reads it.
    static let installedPath = "/etc/ballast/ballast.toml"

    var config: BallastConfig
    var finding: Finding

    /// The libvirt URI the config names (`connect`).
    var connect: String { config.connect }
    /// `[host] reserve_cpu_millicores` and `reserve_memory`.
    var hostReserve: ResourceVector { config.balancer.hostReserve }
    /// `on_stop`: whether the sizes Ballast set outlive it.
    var onStop: StopPolicy.Action { config.onStop.action }

    static func load(path requested: String?) -> DoctorConfig {
        let check = "host.config"
        let installed = FileManager.default.fileExists(atPath: installedPath) ? installedPath : nil
        guard let path = requested ?? installed else {
            return DoctorConfig(config: BallastConfig(), finding: .ok(check, .host, """
                no --config and no \(installedPath): checked against Ballast's defaults
                """))
        }
        do {
            return DoctorConfig(config: try ConfigLoader.load(path: path), finding: .ok(check, .host, "\(path) is valid"))
        } catch {
            return DoctorConfig(
                config: BallastConfig(),
                finding: Finding(check: check, scope: .host, severity: .blocker,
                                 found: error.description,
                                 why: "ballast run refuses a config with errors; the rest is checked against the defaults",
                                 fix: "fix each line named above (ballast config check \(path) lists them)"))
        }
    }

    /// Why the config opts `name` out (the last matching `[vm."pattern"]` with `opt_out` decides), or nil.
    func optOut(uuid: String, name: String) -> String? {
        let matching = config.vmOverrides.filter { $0.optOut != nil && $0.matches(id: VMID(uuid), name: name) }
        guard let last = matching.last, last.optOut == true else { return nil }
        return "[vm.\"\(last.pattern)\"] opt_out = true in the config"
    }
}
