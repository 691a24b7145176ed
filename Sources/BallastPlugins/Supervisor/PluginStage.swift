import BallastCore
import FoundationEssentials

/// One plugin as a step of the policy chain: it owns one supervised process,
/// sends it `decide` each tick and merges the validated answer onto the
/// previous stage's proposal.
///
/// The tick never waits longer than `configuration.deadline`: start-up and the
/// handshake run in the background, and a plugin that is late, crashed, silent
/// or speaking garbage makes `decide` throw a `PluginError` (the engine keeps
/// the previous proposal), after which the process is killed and restarted with
/// exponential back-off, or quarantined after repeated failures. Every request
/// and supervisor action is reported to the `BalancerEventSink`.
public actor PluginStage: PolicyStage {
    public nonisolated let name: String
    public nonisolated let configuration: PluginConfiguration
    private let events: any BalancerEventSink
    private let origin = ContinuousClock.now
    private var tracker: RestartTracker
    private var running: LaunchedPlugin?
    private var starting: Task<LaunchedPlugin, any Error>?
    /// Entries of the last `decide` answer that were refused, with reasons.
    public private(set) var lastRejections: [RejectedEntry] = []
    /// How many times the process was started again after a failure or quarantine.
    public private(set) var restartCount = 0

    public init(configuration: PluginConfiguration, events: any BalancerEventSink = DiscardingEventSink()) throws(PluginError) {
        try configuration.validate()
        self.name = configuration.name
        self.configuration = configuration
        self.events = events
        self.tracker = RestartTracker(settings: configuration.restart)
    }

    deinit {
        running?.connection.process.kill()
        starting?.cancel()
    }

    /// What the plugin said in its handshake, once it is running.
    public var handshake: PluginHandshake? { running?.handshake }

    /// Starts the plugin now and waits for its handshake (at most the handshake
    /// timeout): for start-up and tests; `decide` starts it lazily otherwise.
    @discardableResult
    public func start() async throws -> PluginHandshake {
        let started = seconds()
        do {
            let launched = try await ready(within: configuration.handshakeTimeout)
            return launched.handshake
        } catch {
            let failure = PluginError.from(error, plugin: name)
            report(failure, method: PluginProtocol.initialize, since: started)
            throw failure
        }
    }

    public func decide(_ snapshot: TickSnapshot, previous: Proposal) async throws -> Proposal {
        let started = seconds()
        do {
            let launched = try await ready(within: configuration.deadline)
            guard launched.handshake.decides else { return previous }
            let params: [UInt8]
            do {
                params = try MessageEncoder.decideParams(snapshot, previous: previous, vmFields: launched.handshake.vmFields,
                                                             layout: launched.handshake.layout)
            } catch {
                throw PluginError.unencodable(plugin: name, detail: error.detail)
            }
            let remaining = max(0.001, configuration.deadline - (seconds() - started))
            let result = try await launched.connection.request(PluginProtocol.decide, params: params, timeout: remaining)
            switch AnswerValidator.validate(result, snapshot: snapshot) {
            case .failure(let malformed):
                throw PluginError.invalidAnswer(plugin: name, method: PluginProtocol.decide, detail: malformed.detail)
            case .success(let answer):
                lastRejections = answer.rejected
                for rejection in answer.rejected {
                    events.record(.pluginLog(plugin: name, line: "refused \(rejection)"))
                }
                tracker.recordSuccess()
                events.record(.pluginRequest(plugin: name, method: PluginProtocol.decide,
                                             outcome: answer.rejected.isEmpty ? "ok" : "partial",
                                             seconds: seconds() - started))
                return previous.merging(answer.accepted, stage: name)
            }
        } catch {
            var failure = PluginError.from(error, plugin: name)
            if case .timeout(let plugin, let method, _) = failure {
                // The request waited only for what was left of the deadline; name the deadline itself.
                failure = .timeout(plugin: plugin, method: method, seconds: configuration.deadline)
            }
            report(failure, method: PluginProtocol.decide, since: started)
            throw failure
        }
    }

    public func observe(_ snapshot: TickSnapshot, applied: AppliedChanges) async {
        guard let running, running.handshake.observes, running.connection.failure == nil else { return }
        running.connection.notify(PluginProtocol.observe, params: MessageEncoder.observeParams(tick: snapshot.tick, applied: applied))
    }

    /// Asks the plugin to shut down, closes its stdin and kills it if it is
    /// still running a second later. The stage can be started again afterwards.
    public func shutdown() async {
        starting?.cancel()
        if let task = starting {
            starting = nil
            Task { (try? await task.value)?.connection.process.kill() }
        }
        guard let current = running else { return }
        running = nil
        _ = try? await current.connection.request(PluginProtocol.shutdown, params: Array("{}".utf8), timeout: 1)
        current.connection.closeInput()
        for _ in 0..<100 where !current.connection.process.hasExited {
            try? await Task.sleep(for: .milliseconds(10))
        }
        current.connection.terminate(reason: .exited(plugin: name, detail: "shut down by Ballast"))
    }

    /// A running, handshaken plugin, starting one if allowed; waits at most `budget` seconds.
    private func ready(within budget: Double) async throws -> LaunchedPlugin {
        if let current = running {
            if let failure = current.connection.failure {
                running = nil
                current.connection.terminate(reason: failure)
                throw failure
            }
            return current
        }
        if starting == nil {
            let now = seconds()
            if let blocked = tracker.blocked(plugin: name, at: now) { throw blocked }
            if tracker.clearQuarantine(at: now) {
                restartCount += 1
                events.record(.pluginRestarted(plugin: name, reason: "quarantine over, trying again"))
            } else if tracker.startIsRestart {
                restartCount += 1
                events.record(.pluginRestarted(plugin: name, reason: tracker.lastFailure ?? "after a failure"))
            }
            let configuration = configuration
            let events = events
            starting = Task { try await PluginLauncher.launch(configuration, events: events) }
        }
        guard let task = starting else { throw PluginError.starting(plugin: name) }
        do {
            guard let launched = try await DeadlineRace.value(of: task, within: budget) else {
                throw PluginError.starting(plugin: name)
            }
            starting = nil
            running = launched
            return launched
        } catch let error as PluginError where error == .starting(plugin: name) {
            throw error
        } catch {
            starting = nil
            throw error
        }
    }

    /// Emits the request event and applies the restart policy for failures.
    private func report(_ error: PluginError, method: String, since started: Double) {
        events.record(.pluginRequest(plugin: name, method: method, outcome: error.outcome, seconds: seconds() - started))
        guard error.isFailure else { return }
        events.record(.pluginLog(plugin: name, line: error.description))
        if error.killsProcess, let current = running {
            current.connection.terminate(reason: error)
            running = nil
        }
        switch tracker.recordFailure(at: seconds(), reason: error.description) {
        case .restartAfter:
            break
        case .quarantine(let duration):
            if let current = running {
                current.connection.terminate(reason: error)
                running = nil
            }
            events.record(.pluginQuarantined(
                plugin: name,
                reason: "\(configuration.restart.quarantineAfter) failures within \(Int(configuration.restart.quarantineWindow)) s; retried in \(Int(duration)) s; last: \(error.description)"))
        }
    }

    private func seconds() -> Double {
        (ContinuousClock.now - origin).seconds
    }
}
