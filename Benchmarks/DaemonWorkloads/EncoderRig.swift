import BallastCore
import BallastPlugins

/// The plugin protocol's `decide` request line for a synthetic snapshot (every VM
/// field, objects layout), NDJSON as written to a plugin's stdin each tick.
public final class EncoderRig: Sendable {
    private let snapshot: TickSnapshot
    private let previous: Proposal

    public init(vms: Int) {
        snapshot = SyntheticSnapshot.make(vms: vms)
        previous = Proposal.keepCurrent(snapshot)
    }

    public func encode() throws -> [UInt8] {
        let params = try MessageEncoder.decideParams(snapshot, previous: previous)
        return MessageEncoder.request(id: 1, method: PluginProtocol.decide, params: params)
    }
}
