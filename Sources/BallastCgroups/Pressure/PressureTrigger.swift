#if canImport(Glibc)
import Glibc
#endif

/// An armed PSI trigger (Documentation/accounting/psi.rst): a pressure file opened
/// read-write with "some <stall µs> <window µs>" written to it; the kernel then reports
/// POLLPRI on the descriptor whenever the stall time within a window passes the threshold.
/// The owner polls `descriptor` and calls `close()` when done.
public struct PressureTrigger: Sendable, Hashable {
    /// The file as named (a host path such as "/proc/pressure/memory").
    public let path: String
    public let descriptor: Int32

    /// `/proc` and cgroup v2: the only file systems whose pressure files take triggers.
    static let pressureFileSystems: Set<String> = ["proc", "cgroup2"]

    /// Arms a trigger on `path` (read at `root` + `path`): fires when tasks stalled on
    /// memory for `stall` µs of a `window` µs window ("some"). The reason it cannot be
    /// armed is returned as an error saying what to do (the caller reports it once).
    public static func arm(path: String, root: String = "/", stall: UInt64, window: UInt64)
        -> Result<PressureTrigger, PressureTriggerError> {
        let full = root == "/" || root.isEmpty ? path : root + path
        let fd = open(full, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            let reason: String
            switch code {
            case ENOENT: reason = "no such file (a kernel without PSI, or cgroup v1, which has no memory.pressure)"
            case EACCES, EPERM: reason = "permission denied (triggers need write access; run Ballast as root)"
            default: reason = "cannot open it read-write: \(String(cString: strerror(code)))"
            }
            return .failure(PressureTriggerError(path: path, reason: reason))
        }
        if let type = MountTable.fileSystemType(of: full), !Self.pressureFileSystems.contains(type) {
            _ = Glibc.close(fd)
            return .failure(PressureTriggerError(
                path: path, reason: "not a kernel pressure file (on \(type)); "
                    + "triggers need /proc/pressure or a cgroup v2 memory.pressure"))
        }
        let request = "some \(stall) \(window)"
        // With its NUL: the kernel overwrites the last byte written with one.
        let written = request.withCString { text in write(fd, text, strlen(text) + 1) }
        guard written >= 0 else {
            let code = errno
            _ = Glibc.close(fd)
            let hint = code == EINVAL ? " (the window must be 0.5-10 s and above the stall; without CAP_SYS_RESOURCE "
                + "a multiple of 2 s)" : ""
            return .failure(PressureTriggerError(
                path: path, reason: "the kernel refused the trigger \"\(request)\": \(String(cString: strerror(code)))\(hint)"))
        }
        return .success(PressureTrigger(path: path, descriptor: fd))
    }

    /// Closes the descriptor (disarms the trigger).
    public func close() {
        _ = Glibc.close(descriptor)
    }
}

/// Why a pressure trigger could not be armed; Ballast carries on polling.
public struct PressureTriggerError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "trigger not supported: \(path): \(reason)" }
}
