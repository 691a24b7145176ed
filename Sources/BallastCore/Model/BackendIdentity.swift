/// Which hypervisor the daemon balances, as it announces itself everywhere an
/// operator looks (the first log line, `/healthz`, `/v1/state`, `ballast status`,
/// `ballast_backend_info`): a simulated host must never pass for the real one.
public struct BackendIdentity: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case libvirt
        case sim
    }

    public var kind: Kind
    /// The libvirt URI, or what the simulator replays (`scenario:demo`, `trace:PATH`).
    public var uri: String

    public init(kind: Kind, uri: String) {
        self.kind = kind
        self.uri = uri
    }

    public var isSimulated: Bool { kind == .sim }

    /// What every surface says of a simulated host.
    public static let simulatedBanner = "SIMULATED HOST: no real VM is touched"
}
