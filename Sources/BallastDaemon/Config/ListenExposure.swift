#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the endpoint's listen address keeps it on this machine. `/metrics` and
/// `/v1/state` name every VM and its sizes, and the endpoint has no TLS and no
/// authentication, so a non-loopback `listen` is refused unless the config says
/// `allow_remote = true` (docs/configuration.md: put a reverse proxy with TLS in front).
public enum ListenExposure {
    /// True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x; false for every
    /// other host, including names (what a name resolves to is not known here).
    public static func isLoopback(host: String) -> Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            return UInt32(bigEndian: v4.s_addr) >> 24 == 127
        }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        let loopback: [UInt8] = Array(repeating: 0, count: 15) + [1]
        let mapped127 = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
        return bytes == loopback || mapped127
    }

    /// Why `listen` may not be used, or nil when it may.
    public static func refusal(listen: String, allowRemote: Bool) -> String? {
        guard !allowRemote, let address = ListenAddress(listen), !isLoopback(host: address.host) else { return nil }
        return "\"\(listen)\" is not a loopback address, and the endpoint has no TLS or authentication while "
            + "/metrics and /v1/state name every VM; keep it on 127.0.0.1 (put a reverse proxy with TLS in front: "
            + "docs/configuration.md), or set allow_remote = true to expose it on purpose"
    }
}
