import BallastCore
import BallastLogging
import BallastMetrics
import BallastPlugins
import Logging

/// What `ballast run` was asked to do, after option parsing.
public struct RunRequest: Sendable {
    public var configPath: String?
    public var dryRun: Bool
    public var pacing: LoopPacing
    /// Overrides the config's interval when set.
    public var interval: Double?
    /// Overrides the config's listen address when set.
    public var listen: String?
    /// Overrides the config's log format when set.
    public var logFormat: LogFormat?
    /// Overrides the config's `lock_dir` when set.
    public var lockDirectory: String?

    public init(configPath: String? = nil, dryRun: Bool = false, pacing: LoopPacing = .init(), interval: Double? = nil,
                listen: String? = nil, logFormat: LogFormat? = nil, lockDirectory: String? = nil) {
        self.configPath = configPath
        self.dryRun = dryRun
        self.pacing = pacing
        self.interval = interval
        self.listen = listen
        self.logFormat = logFormat
        self.lockDirectory = lockDirectory
    }

    /// The config file (or defaults) with this request's command-line overrides applied.
    public func loadConfig() throws(ConfigError) -> BallastConfig {
        var config = try configPath.map { path throws(ConfigError) in try ConfigLoader.load(path: path) } ?? BallastConfig()
        if dryRun { config.balancer.governor.dryRun = true }
        if let interval { config.balancer.interval = interval }
        if let listen { config.listen = listen }
        if let logFormat { config.logFormat = logFormat }
        if let lockDirectory { config.lockDirectory = lockDirectory }
        if let listen, let refusal = ListenExposure.refusal(listen: listen, allowRemote: config.allowRemote) {
            throw ConfigError(issues: [ConfigIssue(file: configPath ?? "(no --config file)", line: nil, key: "listen",
                                                   message: "--listen \(refusal) (in the config file)")])
        }
        return config
    }
}

/// Wires a backend, the policy chain and the observers into a running daemon
/// loop, and tears it down again. The `ballast run` command is a thin front on this.
/// What reaches the terminal goes through `console`: the live dashboard in its
/// dashboard mode, log lines otherwise.
public struct DaemonRunner: Sendable {
    public let request: RunRequest
    public let logger: Logger
    public let console: Console

    public init(request: RunRequest, logger: Logger, console: Console) {
        self.request = request
        self.logger = logger
        self.console = console
    }

    /// Builds the backend with `makeBackend` (handed the daemon's event sink and logger)
    /// and runs until stopped (or for the requested duration / once); returns the
    /// process exit code. Which backend is built is the caller's choice: the daemon
    /// knows backends only through the `Backend` protocol. `ksm` is the host's KSM for
    /// the KSM controller; nil where there is none to drive (the simulator).
    public func run(config: BallastConfig, backend identity: BackendIdentity, ksm: (any KSMInterface)? = nil,
                    makeBackend: BackendFactory) async -> Int32 {
        let lock: BalancerLock?
        do {
            lock = try takeLock(config, backend: identity)
        } catch {
            logger.error("refusing to start: \(error.description)")
            if case .held = error { return Self.exitLockHeld }
            return 2
        }
        announce(identity)
        if let lock { logger.info("holding the balancer lock of this libvirt", metadata: ["lock": "\(lock.path)"]) }
        MallocTuning.applyForDaemon(logger: logger)
        let observability = makeObservability(config, backend: identity)
        let urgent = UrgentTickRequests(maximumPerSecond: config.balancer.events.enabled
            ? config.balancer.events.maxUrgentTicksPerSecond : 0)
        let events = FanOutEventSink([LoggingEventSink(logger: logger), observability.eventSink, urgent])
        // Signals are caught before the dashboard takes the screen, so SIGINT and SIGTERM
        // always end in the loop's orderly stop, and the screen is given back.
        let control = DaemonControl()
        control.installSignalHandlers()
        let dashboard = console.mode == .dashboard ? LiveDashboard(console: console, backend: identity) : nil
        dashboard?.start()
        defer { dashboard?.stop() }
        let backend: any Backend
        do {
            backend = try makeBackend(events, logger)
        } catch {
            logger.error("cannot start the backend", metadata: ["error": "\(error)"])
            return 2
        }
        let code = await run(config: config, backend: backend, ksm: ksm, observability: observability, events: events,
                             urgent: urgent, control: control, dashboard: dashboard)
        await BackendShutdown(logger: logger).run(backend)
        withExtendedLifetime(lock) {}
        return code
    }

    /// `ballast run` exit code: another live ballast holds this libvirt's lock.
    public static let exitLockHeld: Int32 = 4
    /// `ballast run` exit code: `on_stop = "release"` could not restore every VM.
    public static let exitReleaseIncomplete: Int32 = 5

    /// The one-balancer-per-libvirt lock, for a live daemon on libvirt; nil for a dry run
    /// and the simulator, which change nothing real.
    private func takeLock(_ config: BallastConfig, backend identity: BackendIdentity) throws(BalancerLockError) -> BalancerLock? {
        guard !identity.isSimulated, !config.balancer.governor.dryRun else { return nil }
        return try BalancerLock.acquire(uri: identity.uri, directory: config.lockDirectory)
    }

    /// Runs against an already built backend until stopped; returns the exit code.
    private func run(config: BallastConfig, backend: any Backend, ksm: (any KSMInterface)?, observability: ObservabilityState,
                     events: any BalancerEventSink, urgent: UrgentTickRequests, control: DaemonControl,
                     dashboard: LiveDashboard?) async -> Int32 {
        guard let address = ListenAddress(config.listen) else {
            logger.error("listen address is not HOST:PORT", metadata: ["listen": "\(config.listen)"])
            return 2
        }
        let server = MetricsServer(host: address.host, port: address.port, state: observability)
        do {
            let port = try await server.start()
            let listening = ListenAddress.describe(host: address.host, port: port)
            logger.info("serving /metrics, /healthz and /v1/state", metadata: ["listen": "\(listening)"])
            dashboard?.endpointListening(listening)
        } catch {
            logger.error("cannot listen; choose another --listen address", metadata: [
                "listen": "\(config.listen)", "error": "\(error)"])
            return 2
        }
        let plugins = PluginChain(events: events, logger: logger)
        let overriding = OverridingBackend(backend, overrides: config.vmOverrides)
        let engine = BalancerEngine(backend: overriding, plugins: await plugins.stages(for: config.plugins),
                                    settings: config.balancer)
        var observers: [any TickObserver] = [
            MetricsObserver(state: observability), DecisionLogObserver(logger: logger, format: config.logFormat), VMNoticeLog(logger: logger),
            StartupPageRelease(logger: logger), EmergencyLog(logger: logger), WallClockLog(logger: logger),
        ]
        if let dashboard { observers.append(dashboard) }
        let ksmObserver = makeKSMObserver(config, ksm: ksm, observability: observability)
        if let ksmObserver { observers.append(ksmObserver) }
        var reload: DaemonLoop.Reload?
        if request.configPath != nil {
            let request = self.request
            reload = { () async -> Result<DaemonLoop.Reloaded, ConfigError> in
                do throws(ConfigError) {
                    var fresh = try request.loadConfig()
                    let needsRestart = RestartOnlySettings.changes(from: config, to: fresh)
                    // A dry run holds no lock, so it cannot turn live without a restart.
                    fresh.balancer.governor.dryRun = config.balancer.governor.dryRun
                    overriding.replaceOverrides(fresh.vmOverrides)
                    await ksmObserver?.replaceSettings(fresh.ksm)
                    return .success(DaemonLoop.Reloaded(
                        settings: fresh.balancer, plugins: await plugins.stages(for: fresh.plugins),
                        needsRestart: needsRestart))
                } catch {
                    return .failure(error)
                }
            }
        }
        logger.info("ballast running", metadata: [
            "interval": "\(config.balancer.interval)", "dry_run": "\(config.balancer.governor.dryRun)",
            "overrides": "\(config.vmOverrides.count)", "plugins": "\(config.plugins.count)",
        ])
        let loop = DaemonLoop(engine: engine, control: control, observers: observers, pacing: request.pacing,
                              reload: reload, logger: logger, urgent: urgent, urgentReport: observability.eventSink)
        let exit = await loop.run()
        if case .tickFailed(let message) = exit {
            logger.error("the single tick failed", metadata: ["error": "\(message)", "exit_code": "\(exit.exitCode)"])
        }
        let released = await StopRelease(engine: engine, policy: config.onStop,
                                          dryRun: config.balancer.governor.dryRun, logger: logger).run()
        await plugins.shutdownAll()
        await server.stop()
        return exit.exitCode == 0 && !released ? Self.exitReleaseIncomplete : exit.exitCode
    }

    /// The KSM controller, where there is a host KSM; says so when `[ksm]` asks for one
    /// and there is none (the simulator).
    private func makeKSMObserver(_ config: BallastConfig, ksm: (any KSMInterface)?,
                                 observability: ObservabilityState) -> KSMObserver? {
        guard let ksm else {
            if config.ksm.mode != .off {
                logger.notice("[ksm] mode = \"\(config.ksm.mode.rawValue)\" has no effect here: the simulated host has no KSM to drive")
            }
            return nil
        }
        return KSMObserver(ksm: ksm, settings: config.ksm, dryRun: config.balancer.governor.dryRun,
                           state: observability, logger: logger)
    }

    /// The state behind the endpoint; health allows three tick intervals (in wall time) between ticks.
    func makeObservability(_ config: BallastConfig, backend: BackendIdentity) -> ObservabilityState {
        ObservabilityState(interval: request.pacing.wallSeconds(config.balancer.interval), backend: backend)
    }

    /// The first log line says which hypervisor is balanced; a simulated one says so loudly.
    private func announce(_ backend: BackendIdentity) {
        let metadata: Logger.Metadata = ["backend": "\(backend.kind.rawValue)", "uri": "\(backend.uri)"]
        if backend.isSimulated {
            let advice = "run without --backend sim, --scenario and --trace to balance libvirt"
            logger.warning("\(BackendIdentity.simulatedBanner); \(advice)", metadata: metadata)
        } else {
            logger.info("balancing libvirt guests", metadata: metadata)
        }
    }
}
