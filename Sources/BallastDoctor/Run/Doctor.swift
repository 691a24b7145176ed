import BallastCgroups
import BallastCore
import BallastDaemon
import BallastLibvirt

/// `ballast doctor`: checks the host and every domain for what Ballast needs, read-only,
/// and returns the findings. Reuses Ballast's own readers: the libvirt connection on its
/// thread, the domain XML reader, the cgroup layout finder and resolver, the host reader
/// and the config loader, so what it reports is what `ballast run` would see.
public struct Doctor: Sendable {
    public let options: DoctorOptions

    public init(options: DoctorOptions) {
        self.options = options
    }

    public func run() async -> DoctorReport {
        let config = DoctorConfig.load(path: options.configPath)
        let uri = options.uri ?? config.connect
        var findings = [config.finding]
        let (connectionFinding, connection) = await connect(uri)
        findings.append(connectionFinding)
        let (layoutFinding, layout) = HostChecks.cgroupLayout(in: options.fileSystem)
        findings.append(layoutFinding)
        findings.append(HostChecks.pressure(in: options.fileSystem))
        findings.append(KSMCheck.finding(config.config.ksm, in: options.fileSystem))
        do {
            let host = try HostReader(fileSystem: options.fileSystem).read()
            findings += HostChecks.reserve(config.hostReserve, host: host)
        } catch {
            findings.append(Finding(check: "host.memory", scope: .host, severity: .blocker, found: "\(error)",
                                    why: "Ballast divides the host's CPUs and MemTotal between the guests",
                                    fix: "run on a Linux host with /proc and /sys mounted"))
        }
        if let connection {
            let gatherer = DomainGatherer(connection: connection, layout: layout, config: config, options: options)
            findings += await gatherer.findings()
            // Closed and its thread joined before `doctor` exits (`LibvirtConnection.shutdown`).
            await connection.shutdown()
        }
        return DoctorReport(uri: uri, findings: findings)
    }

    /// A connection for the domain checks (read-write, else read-only) and the finding.
    /// Each attempt is bounded by `connectTimeout`.
    func connect(_ uri: String) async -> (Finding, LibvirtConnection?) {
        let readWrite = LibvirtConnection(uri: uri)
        guard let attempt = await attemptConnect(readWrite) else {
            return (ConnectionCheck.finding(uri: uri, outcome: .timedOut(seconds: options.connectTimeout)), nil)
        }
        guard case .failure(let readWriteError) = attempt else {
            return (ConnectionCheck.finding(uri: uri, outcome: .readWrite), readWrite)
        }
        let readOnly = LibvirtConnection(uri: uri, readOnly: true)
        if case .success = await attemptConnect(readOnly) {
            return (ConnectionCheck.finding(uri: uri, outcome: .readOnlyOnly(readWriteError: readWriteError.message)), readOnly)
        }
        return (ConnectionCheck.finding(uri: uri, outcome: .unreachable(error: readWriteError.message)), nil)
    }

    /// The connect's outcome, or nil when `connectTimeout` passed first (a libvirt call
    /// cannot be interrupted: the attempt is left to finish on its own thread, and the
    /// process may exit with it still blocked there). A connection whose connect failed is
    /// shut down here (`LibvirtConnection.shutdown`): nobody uses it after.
    private func attemptConnect(_ connection: LibvirtConnection) async -> Result<Void, LibvirtError>? {
        let attempt = Task<Result<Void, LibvirtError>, any Error> {
            do throws(LibvirtError) {
                try await connection.connect()
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        // The task never throws, so `try?` yields nil only when the time ran out.
        let outcome = try? await DeadlineRace.value(of: attempt, within: options.connectTimeout)
        if case .failure = outcome { await connection.shutdown() }
        return outcome
    }
}
