/// Constants of the plugin protocol (plugins/PROTOCOL.md): versions, method
/// names, error codes and limits, in one place so the supervisor, the
/// conformance checker and the docs cannot drift apart.
public enum PluginProtocol {
    /// Protocol versions this Ballast speaks, newest first.
    public static let supportedVersions: [Int] = [1]
    /// Ballast's version as sent in `initialize`.
    public static let ballastVersion = "0.1.0"
    /// The largest message line either side may send, newline excluded: 8 MiB.
    public static let maximumLineBytes = 8 << 20

    public static let initialize = "initialize"
    public static let decide = "decide"
    public static let observe = "observe"
    public static let log = "log"
    public static let shutdown = "shutdown"

    /// JSON-RPC error code a plugin returns when it speaks none of the offered versions.
    public static let unsupportedVersionCode: Int64 = -32000
}

/// What a plugin said about itself in its `initialize` answer.
public struct PluginHandshake: Sendable, Hashable {
    public var protocolVersion: Int
    public var name: String
    public var version: String
    public var decides: Bool
    public var observes: Bool

    public init(protocolVersion: Int, name: String, version: String, decides: Bool, observes: Bool) {
        self.protocolVersion = protocolVersion
        self.name = name
        self.version = version
        self.decides = decides
        self.observes = observes
    }

    /// Reads an `initialize` result; the message says which field is wrong.
    public static func parse(_ result: JSONValue, offered: [Int]) -> Result<PluginHandshake, HandshakeProblem> {
        guard case .object = result else {
            return .failure(.malformed("initialize result is \(result.typeName), expected an object"))
        }
        guard case .integer(let chosen)? = result["protocol_version"] else {
            return .failure(.malformed("initialize result lacks an integer protocol_version"))
        }
        guard offered.contains(Int(chosen)) else {
            return .failure(.incompatible("plugin chose protocol version \(chosen), Ballast offered \(offered)"))
        }
        guard let name = result["name"]?.stringValue, !name.isEmpty else {
            return .failure(.malformed("initialize result lacks a non-empty string name"))
        }
        guard let version = result["version"]?.stringValue else {
            return .failure(.malformed("initialize result lacks a string version"))
        }
        guard let capabilities = result["capabilities"]?.arrayValue else {
            return .failure(.malformed("initialize result lacks a capabilities array"))
        }
        let names = capabilities.compactMap(\.stringValue)
        guard names.count == capabilities.count else {
            return .failure(.malformed("capabilities must be strings"))
        }
        return .success(PluginHandshake(protocolVersion: Int(chosen), name: name, version: version,
                                        decides: names.contains(PluginProtocol.decide),
                                        observes: names.contains(PluginProtocol.observe)))
    }
}

/// Why an `initialize` answer was refused.
public enum HandshakeProblem: Error, Sendable, Hashable {
    case malformed(String)
    case incompatible(String)
}
