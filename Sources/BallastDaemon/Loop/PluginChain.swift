import BallastCore
import BallastPlugins
import Logging

/// Owns the running plugin stages across config reloads: a plugin whose
/// configuration did not change keeps its process; removed or changed ones
/// are shut down; new ones start. The chain order is the config file's.
public actor PluginChain {
    private var running: [String: PluginStage] = [:]
    private let events: any BalancerEventSink
    private let logger: Logger

    public init(events: any BalancerEventSink, logger: Logger) {
        self.events = events
        self.logger = logger
    }

    /// The stages for this configuration, reusing unchanged ones.
    public func stages(for configurations: [PluginConfiguration]) async -> [PluginStage] {
        var next: [String: PluginStage] = [:]
        var ordered: [PluginStage] = []
        for configuration in configurations {
            if let existing = running[configuration.name], existing.configuration == configuration {
                next[configuration.name] = existing
                ordered.append(existing)
                continue
            }
            do {
                let stage = try PluginStage(configuration: configuration, events: events)
                next[configuration.name] = stage
                ordered.append(stage)
            } catch {
                logger.error("plugin not started", metadata: ["plugin": "\(configuration.name)", "error": "\(error)"])
            }
        }
        for (name, stage) in running where next[name] !== stage {
            await stage.shutdown()
        }
        running = next
        return ordered
    }

    /// Stops every plugin process (daemon exit).
    public func shutdownAll() async {
        for stage in running.values { await stage.shutdown() }
        running = [:]
    }
}
