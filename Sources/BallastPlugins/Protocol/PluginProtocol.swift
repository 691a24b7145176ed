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
    /// Member of the `initialize` result's `snapshot` object that lists the VM fields a plugin reads.
    public static let vmFieldsKey = "vm_fields"
    /// Member of the `initialize` result's `snapshot` object that picks the VM layout (`SnapshotLayout`).
    public static let layoutKey = "layout"

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
    /// The VM members the plugin reads (`snapshot.vm_fields`); `.all` when it declared none.
    public var vmFields: VMFields
    /// How `decide` requests lay out VMs and `previous` (`snapshot.layout`); `.objects` when not declared.
    public var layout: SnapshotLayout

    public init(protocolVersion: Int, name: String, version: String, decides: Bool, observes: Bool,
                vmFields: VMFields = .all, layout: SnapshotLayout = .objects) {
        self.protocolVersion = protocolVersion
        self.name = name
        self.version = version
        self.decides = decides
        self.observes = observes
        self.vmFields = vmFields
        self.layout = layout
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
        let declaration: (fields: VMFields, layout: SnapshotLayout)
        switch snapshotDeclaration(result["snapshot"]) {
        case .success(let declared): declaration = declared
        case .failure(let problem): return .failure(problem)
        }
        return .success(PluginHandshake(protocolVersion: Int(chosen), name: name, version: version,
                                        decides: names.contains(PluginProtocol.decide),
                                        observes: names.contains(PluginProtocol.observe),
                                        vmFields: declaration.fields, layout: declaration.layout))
    }

    /// Reads the optional `snapshot` member: `{"vm_fields": [...], "layout": "rows"}`.
    /// Absent `vm_fields` means every field, absent `layout` means objects; an
    /// unknown member is refused, since a misspelt key would otherwise silently
    /// mean "send everything" or "send objects".
    static func snapshotDeclaration(_ declaration: JSONValue?) -> Result<(fields: VMFields, layout: SnapshotLayout), HandshakeProblem> {
        guard let declaration else { return .success((.all, .objects)) }
        guard case .object(let members) = declaration else {
            return .failure(.malformed("initialize result member snapshot is \(declaration.typeName), expected an object such as {\"vm_fields\": [\"spec.ceiling\"], \"layout\": \"rows\"}"))
        }
        let known = [PluginProtocol.vmFieldsKey, PluginProtocol.layoutKey]
        if let unknown = members.members.first(where: { !known.contains($0.key) }) {
            return .failure(.malformed("initialize result member snapshot has unknown member '\(unknown.key)'; the known ones are \(known.joined(separator: " and "))"))
        }
        var fields = VMFields.all
        if let declared = members[PluginProtocol.vmFieldsKey] {
            switch VMFields.parse(declared, location: "initialize result snapshot.\(PluginProtocol.vmFieldsKey)") {
            case .success(let parsed): fields = parsed
            case .failure(let problem): return .failure(problem)
            }
        }
        var layout = SnapshotLayout.objects
        if let declared = members[PluginProtocol.layoutKey] {
            switch SnapshotLayout.parse(declared, location: "initialize result snapshot.\(PluginProtocol.layoutKey)") {
            case .success(let parsed): layout = parsed
            case .failure(let problem): return .failure(problem)
            }
        }
        return .success((fields, layout))
    }
}

/// Why an `initialize` answer was refused.
public enum HandshakeProblem: Error, Sendable, Hashable {
    case malformed(String)
    case incompatible(String)
}
