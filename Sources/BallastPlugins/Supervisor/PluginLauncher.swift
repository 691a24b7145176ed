#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BallastCore
import FoundationEssentials

/// A started plugin whose handshake succeeded.
struct LaunchedPlugin: Sendable {
    var connection: PluginConnection
    var handshake: PluginHandshake
}

/// Starts a plugin process as configured and runs the `initialize` handshake.
/// The environment holds only the allowlisted variables (plus `BALLAST_PLUGIN`);
/// a user/group drop runs the command through util-linux `setpriv`, because
/// `posix_spawn` cannot change credentials and a fork in a threaded Swift
/// process may not run Swift code before exec.
enum PluginLauncher {
    static let setprivPaths = ["/usr/bin/setpriv", "/bin/setpriv"]

    static func argv(for configuration: PluginConfiguration) throws(PluginError) -> [String] {
        guard configuration.user != nil || configuration.group != nil else { return configuration.command }
        guard let setpriv = setprivPaths.first(where: { access($0, X_OK) == 0 }) else {
            throw .spawnFailed(plugin: configuration.name, detail: "user/group drop needs util-linux setpriv, which is not installed")
        }
        var prefix = [setpriv]
        var groupID: gid_t?
        if let user = configuration.user {
            guard let entry = getpwnam(user) else {
                throw .spawnFailed(plugin: configuration.name, detail: "unknown user '\(user)'")
            }
            prefix.append("--reuid=\(entry.pointee.pw_uid)")
            groupID = entry.pointee.pw_gid
        }
        if let group = configuration.group {
            guard let entry = getgrnam(group) else {
                throw .spawnFailed(plugin: configuration.name, detail: "unknown group '\(group)'")
            }
            groupID = entry.pointee.gr_gid
        }
        if let groupID { prefix.append("--regid=\(groupID)") }
        prefix.append(configuration.user != nil ? "--init-groups" : "--clear-groups")
        prefix.append("--")
        return prefix + configuration.command
    }

    static func environment(for configuration: PluginConfiguration) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        var result: [String: String] = [:]
        for name in configuration.environment {
            if let value = inherited[name] { result[name] = value }
        }
        result["BALLAST_PLUGIN"] = configuration.name
        return result
    }

    static func launch(_ configuration: PluginConfiguration, events: any BalancerEventSink) async throws -> LaunchedPlugin {
        let process: ChildProcess
        do {
            process = try ChildProcess.spawn(argv: try argv(for: configuration),
                                             workingDirectory: configuration.workingDirectory,
                                             environment: environment(for: configuration))
        } catch let error as ChildProcess.SpawnError {
            throw PluginError.spawnFailed(plugin: configuration.name, detail: error.detail)
        }
        let connection = PluginConnection(pluginName: configuration.name, process: process,
                                          maximumLineBytes: configuration.maximumLineBytes,
                                          stderrLinesPerSecond: configuration.stderrLinesPerSecond, events: events)
        try await connection.open()
        let offered = PluginProtocol.supportedVersions
        let params = MessageEncoder.initializeParams(
            versions: offered, pluginName: configuration.name, options: configuration.options,
            deadlineMilliseconds: Int((configuration.deadline * 1000).rounded()),
            maximumLineBytes: configuration.maximumLineBytes)
        do {
            let result = try await connection.request(PluginProtocol.initialize, params: params,
                                                      timeout: configuration.handshakeTimeout)
            switch PluginHandshake.parse(result, offered: offered) {
            case .success(let handshake):
                return LaunchedPlugin(connection: connection, handshake: handshake)
            case .failure(.incompatible(let detail)):
                throw PluginError.incompatibleVersion(plugin: configuration.name, detail: detail)
            case .failure(.malformed(let detail)):
                throw PluginError.invalidAnswer(plugin: configuration.name, method: PluginProtocol.initialize, detail: detail)
            }
        } catch let PluginError.remoteError(plugin, _, code, message) where code == PluginProtocol.unsupportedVersionCode {
            let error = PluginError.incompatibleVersion(plugin: plugin, detail: "Ballast offered \(offered); the plugin answered: \(message)")
            connection.terminate(reason: error)
            throw error
        } catch {
            connection.terminate(reason: PluginError.from(error, plugin: configuration.name))
            throw error
        }
    }
}

extension PluginError {
    /// Every error the transport raises is a `PluginError`; anything else is reported as a crash.
    static func from(_ error: any Error, plugin: String) -> PluginError {
        (error as? PluginError) ?? .exited(plugin: plugin, detail: "unexpected error: \(error)")
    }
}
