import BallastCgroups
import BallastCore

/// `host.ksm`: whether the `[ksm]` mode the config asks for can work on this host
/// (KSM present, its files writable, the scan-time advisor there for mode `advisor`),
/// and what KSM is doing now. Read-only: writability is asked of the kernel with
/// `access(2)` (`writable`, the file system's by default), never tried.
public enum KSMCheck {
    public static func finding(_ settings: KSMSettings, in fileSystem: any KernelFileSystem,
                               writable: ((String) -> Bool)? = nil) -> Finding {
        let writable = writable ?? fileSystem.isWritable
        let check = "host.ksm"
        let ksm = KernelKSM(fileSystem: fileSystem)
        let reading: KSMReading
        do {
            reading = try ksm.read()
        } catch {
            if settings.mode == .off { return .ok(check, .host, "[ksm] mode = \"off\"; KSM not readable here (\(error))") }
            return Finding(check: check, scope: .host, severity: .warning, found: error.description,
                           why: "[ksm] mode = \"\(settings.mode.rawValue)\" asks Ballast to drive KSM, which this host lacks",
                           fix: "use a kernel with CONFIG_KSM=y and /sys mounted, or set [ksm] mode = \"off\"")
        }
        let now = "run = \(reading.run), \(HumanFormat.bytes(reading.pagesSharing &* reading.pageSize)) saved "
            + "(pages_sharing \(reading.pagesSharing))"
        switch settings.mode {
        case .off:
            return .ok(check, .host, "[ksm] mode = \"off\": Ballast leaves KSM alone (\(now))")
        case .auto, .advisor:
            let run = "\(KernelKSM.directory)/run"
            guard writable(run) else {
                return Finding(check: check, scope: .host, severity: .warning, found: "\(run) is not writable (\(now))",
                               why: "Ballast cannot start, stop or pace ksmd; it will report KSM but change nothing",
                               fix: "run Ballast as root with /sys writable (the packaged unit does), or set [ksm] mode = \"off\"")
            }
            if settings.mode == .advisor, !reading.hasAdvisor {
                return Finding(check: check, scope: .host, severity: .warning,
                               found: "[ksm] mode = \"advisor\" but \(KernelKSM.directory)/advisor_mode is missing (\(now))",
                               why: "the scan-time advisor came with Linux 6.7; without it Ballast paces ksmd itself, as in mode auto",
                               fix: "set [ksm] mode = \"auto\" to say so, or run a kernel 6.7 or newer")
            }
            return .ok(check, .host, "[ksm] mode = \"\(settings.mode.rawValue)\": ksmd starts at "
                + "\((settings.startCommittedFraction * 100).decimalText(places: 0)) % committed (\(now))")
        }
    }
}
