/// What `ballast plugin check` found: each violation in words, and the
/// `decide` latency at the 1,000-VM case.
public struct ConformanceReport: Sendable, Hashable {
    public var violations: [String]
    public var latencyP50Milliseconds: Double?
    public var latencyP99Milliseconds: Double?
    /// VMs in the latency case.
    public var vms: Int
    public var plugin: PluginHandshake?
    /// Every `decide` result received, for schema checks in tests.
    public var answers: [JSONValue]

    public var ok: Bool { violations.isEmpty }

    /// `{"ok","violations","latency_ms":{"p50","p99"},"vms","plugin"}` on one line;
    /// `plugin.vm_fields` is the declared VM fields, `null` when the plugin reads them all.
    public var json: String {
        var writer = JSONWriter()
        writer.raw("{")
        writer.key("ok"); writer.bool(ok); writer.raw(",")
        writer.key("violations"); writer.raw("[")
        for (index, violation) in violations.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.string(violation)
        }
        writer.raw("],")
        writer.key("latency_ms"); writer.raw("{")
        writer.key("p50"); writer.optional(latencyP50Milliseconds) { $0.double(($1 * 1000).rounded() / 1000) }; writer.raw(",")
        writer.key("p99"); writer.optional(latencyP99Milliseconds) { $0.double(($1 * 1000).rounded() / 1000) }
        writer.raw("},")
        writer.key("vms"); writer.integer(vms); writer.raw(",")
        writer.key("plugin")
        if let plugin {
            writer.raw("{")
            writer.key("name"); writer.string(plugin.name); writer.raw(",")
            writer.key("version"); writer.string(plugin.version); writer.raw(",")
            writer.key("protocol_version"); writer.integer(plugin.protocolVersion); writer.raw(",")
            writer.key("vm_fields")
            if plugin.vmFields == .all {
                writer.raw("null")
            } else {
                writer.value(.array(plugin.vmFields.wireNames.map { .string($0) }))
            }
            writer.raw(","); writer.key("layout"); writer.string(plugin.layout.rawValue)
            writer.raw("}")
        } else {
            writer.raw("null")
        }
        writer.raw("}")
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
