#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a kernel file could not be read: the path as the host sees it and the
/// system's reason. Readers turn these into sample notes; they never crash a tick.
public struct FileAccessError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Host path that failed (without the injected root).
    public var path: String
    /// `errno` of the failing call, 0 when the content itself was unusable.
    public var code: Int32
    public var reason: String

    public init(path: String, code: Int32, reason: String) {
        self.path = path
        self.code = code
        self.reason = reason
    }

    /// An error from the current `errno`.
    static func fromErrno(path: String, _ code: Int32) -> FileAccessError {
        FileAccessError(path: path, code: code, reason: String(cString: strerror(code)))
    }

    /// Whether the file simply does not exist (an optional kernel feature, a stopped VM).
    public var isMissing: Bool { code == ENOENT || code == ENOTDIR }

    public var description: String { "\(path): \(reason)" }
}
