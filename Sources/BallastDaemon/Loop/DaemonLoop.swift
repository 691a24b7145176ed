import BallastCore
import Logging

/// How long and how fast the daemon loop runs.
public struct LoopPacing: Sendable, Hashable {
    /// Run one tick and return.
    public var once: Bool
    /// Stop after this much simulated time (interval × ticks), if set.
    public var duration: Double?
    /// Wall time between ticks is interval / speed (the simulator runs faster than real time).
    public var speed: Double

    public init(once: Bool = false, duration: Double? = nil, speed: Double = 1) {
        self.once = once
        self.duration = duration
        self.speed = speed
    }

    /// Wall seconds between tick starts for a tick `interval` (simulated seconds in
    /// the simulator, real ones on a host): the one place the speed divides it.
    public func wallSeconds(_ interval: Double) -> Double {
        interval / max(speed, 1e-9)
    }
}

/// Why the loop ended, and the process exit code that goes with it.
public enum LoopExit: Sendable, Hashable {
    /// Stopped on request or after its duration: exit 0.
    case finished
    /// `--once` and the single tick failed: exit 3 (backend unreachable).
    case tickFailed(String)

    public var exitCode: Int32 {
        switch self {
        case .finished: 0
        case .tickFailed: 3
        }
    }
}

/// The daemon's tick loop: one tick per interval against the engine, plus urgent
/// ticks between them when something asks (`UrgentTickRequests`), observers told of each, SIGHUP reloads through `reload`, SIGTERM ends it after the tick
/// in progress. An outage (ticks failing) is logged once when it starts and
/// once when it ends; the loop itself never exits on a backend error.
///
/// The loop owns the interval: it reads it from the engine's settings each tick
/// and, when a reload changes it, pushes the new wall interval to every observer
/// (the health check and `/v1/state` judge by it).
public struct DaemonLoop: Sendable {
    /// What a reload brings: the new settings and plugin stages, and the changes
    /// the file asked for that only a restart applies.
    public struct Reloaded: Sendable {
        public var settings: BalancerSettings
        public var plugins: [any PolicyStage]
        /// e.g. `listen: 127.0.0.1:9477 -> 127.0.0.1:9500`; kept at the running value.
        public var needsRestart: [String]

        public init(settings: BalancerSettings, plugins: [any PolicyStage], needsRestart: [String] = []) {
            self.settings = settings
            self.plugins = plugins
            self.needsRestart = needsRestart
        }
    }

    /// Builds new settings and plugin stages from the config file; a failure keeps the old ones.
    public typealias Reload = @Sendable () async -> Result<Reloaded, ConfigError>

    public let engine: BalancerEngine
    public let control: DaemonControl
    public let observers: [any TickObserver]
    public let pacing: LoopPacing
    public let reload: Reload?
    public let logger: Logger
    /// Where urgent tick requests collect; nil: regular ticks only (`events.enabled` false).
    public let urgent: UrgentTickRequests?
    /// Told of every urgent tick that ran, with its causes (the metrics counters).
    public let urgentReport: any BalancerEventSink

    public init(engine: BalancerEngine, control: DaemonControl, observers: [any TickObserver],
                pacing: LoopPacing, reload: Reload?, logger: Logger, urgent: UrgentTickRequests? = nil,
                urgentReport: any BalancerEventSink = DiscardingEventSink()) {
        self.engine = engine
        self.control = control
        self.observers = observers
        self.pacing = pacing
        self.reload = reload
        self.logger = logger
        self.urgent = urgent
        self.urgentReport = urgentReport
    }

    public func run() async -> LoopExit {
        let clock = ContinuousClock()
        var simulated = 0.0
        var failing = false
        var nextRegular = clock.now
        while !control.stopRequested {
            if control.takeReloadRequest() { await applyReload() }
            let interval = await engine.settings.interval
            let start = clock.now
            let regular = start >= nextRegular
            let causes = urgent?.tickStarting(regular: regular) ?? []
            if !regular, causes.isEmpty {
                await sleep(until: nextRegular)
                continue
            }
            if !causes.isEmpty { urgentReport.record(.urgentTickRan(causes: causes)) }
            do {
                let report = try await engine.tick(urgent: !regular)
                let seconds = (clock.now - start).seconds
                let late = seconds > pacing.wallSeconds(interval)
                if failing {
                    logger.notice("ticks resumed: the backend can be sampled again")
                    failing = false
                }
                for observer in observers { await observer.tickCompleted(report, seconds: seconds, late: late) }
            } catch {
                let message = "\(error)"
                if !failing, !pacing.once {
                    // Once per outage; the backend logs its own error with the detail.
                    logger.warning("ticks paused: the backend cannot be sampled; retrying every interval")
                    failing = true
                }
                for observer in observers { await observer.tickFailed(error) }
                if pacing.once { return .tickFailed(message) }
            }
            if pacing.once { return .finished }
            guard regular else { continue }
            simulated += interval
            if let duration = pacing.duration, simulated >= duration - 1e-9 { return .finished }
            nextRegular = start.advanced(by: .seconds(pacing.wallSeconds(interval)))
            await sleep(until: nextRegular)
        }
        logger.info("stopping: the tick in progress finished")
        return .finished
    }

    /// Sleeps until the next regular tick, a stop or reload request, or an urgent tick due.
    private func sleep(until deadline: ContinuousClock.Instant) async {
        if let urgent {
            await control.sleep(until: deadline, wakeWhen: { urgent.due })
        } else {
            await control.sleep(until: deadline)
        }
    }

    private func applyReload() async {
        guard let reload else { return }
        switch await reload() {
        case .success(let reloaded):
            let before = await engine.settings.interval
            await engine.reconfigure(reloaded.settings, plugins: reloaded.plugins)
            urgent?.setMaximumPerSecond(reloaded.settings.events.enabled
                ? reloaded.settings.events.maxUrgentTicksPerSecond : 0)
            if reloaded.settings.interval != before {
                let wall = pacing.wallSeconds(reloaded.settings.interval)
                for observer in observers { await observer.intervalChanged(wallSeconds: wall) }
            }
            logger.notice("configuration reloaded")
            if !reloaded.needsRestart.isEmpty {
                logger.warning("reload: settings that apply only at start keep their running values until ballast restarts",
                    metadata: ["changes": "\(reloaded.needsRestart.joined(separator: "; "))"])
            }
        case .failure(let error):
            logger.error("new configuration rejected; keeping the old one", metadata: ["errors": "\(error)"])
        }
    }
}
