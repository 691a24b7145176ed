import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// NIO's connect errors in a few words ("Connection refused", "no connection
/// within 5.0 seconds") instead of their nested debug descriptions.
enum ConnectFailure {
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            let attempts = error.connectionErrors.map { reason($0.error) }
            if !attempts.isEmpty { return Array(Set(attempts)).sorted().joined(separator: "; ") }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return "the name \(error.host) does not resolve" }
            return "\(error)"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        case ChannelError.connectTimeout(let amount):
            return "no connection within \(Duration.nanoseconds(amount.nanoseconds))"
        default:
            return "\(error)"
        }
    }
}
