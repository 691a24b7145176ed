import Foundation
import Synchronization

/// Loopback ports for servers the tests start that cannot bind port 0
/// themselves (Prometheus). Chosen below Linux's ephemeral range
/// (32768-60999), so the outgoing connections other tests make meanwhile
/// cannot be handed the same port, and checked free with a plain socket that is
/// closed synchronously before the port is handed out.
enum LoopbackPort {
    private static let next = Mutex(20_000 + Int(getpid() % 500) * 20)

    static func free() throws -> Int {
        for _ in 0..<200 {
            let candidate = next.withLock { port -> Int in
                defer { port = port >= 32_000 ? 20_000 : port + 1 }
                return port
            }
            if canBind(candidate) { return candidate }
        }
        throw ToolFailure(description: "no free loopback port between 20000 and 32000")
    }

    private static func canBind(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return withAddress(port: port) { bind(fd, $0, $1) } == 0
    }

    /// Calls `body` with 127.0.0.1:`port` as a socket address and its length.
    static func withAddress<T>(port: Int, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }
}
