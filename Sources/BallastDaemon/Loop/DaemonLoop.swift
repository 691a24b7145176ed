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

/// The daemon's tick loop: one tick per interval against the engine, observers
/// told of each, SIGHUP reloads through `reload`, SIGTERM ends it after the tick
/// in progress. An outage (ticks failing) is logged once when it starts and
/// once when it ends; the loop itself never exits on a backend error.
public struct DaemonLoop: Sendable {
    /// Builds new settings and stages from the config file; a failure keeps the old ones.
    public typealias Reload = @Sendable () async -> Result<(BalancerSettings, [any PolicyStage]), ConfigError>

    public let engine: BalancerEngine
    public let control: DaemonControl
    public let observers: [any TickObserver]
    public let pacing: LoopPacing
    public let reload: Reload?
    public let logger: Logger

    public init(engine: BalancerEngine, control: DaemonControl, observers: [any TickObserver],
                pacing: LoopPacing, reload: Reload?, logger: Logger) {
        self.engine = engine
        self.control = control
        self.observers = observers
        self.pacing = pacing
        self.reload = reload
        self.logger = logger
    }

    public func run() async -> LoopExit {
        let clock = ContinuousClock()
        var simulated = 0.0
        var failing = false
        while !control.stopRequested {
            if control.takeReloadRequest() { await applyReload() }
            let interval = await engine.settings.interval
            let start = clock.now
            do {
                let report = try await engine.tick()
                let seconds = (clock.now - start).seconds
                let late = seconds > interval / max(pacing.speed, 1e-9)
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
            simulated += interval
            if let duration = pacing.duration, simulated >= duration - 1e-9 { return .finished }
            await control.sleep(until: start.advanced(by: .seconds(interval / max(pacing.speed, 1e-9))))
        }
        logger.info("stopping: the tick in progress finished")
        return .finished
    }

    private func applyReload() async {
        guard let reload else { return }
        switch await reload() {
        case .success(let (settings, stages)):
            await engine.reconfigure(settings, stages: stages)
            logger.notice("configuration reloaded")
        case .failure(let error):
            logger.error("new configuration rejected; keeping the old one", metadata: ["errors": "\(error)"])
        }
    }
}
