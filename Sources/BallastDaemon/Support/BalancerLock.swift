#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One balancer per libvirt: a live `ballast run` holds an exclusive flock(2) on a file
/// under `lock_dir` (default /run/ballast) named after the libvirt URI, for the
/// daemon's life, with its pid written inside. Two daemons on one libvirtd would each
/// resize the other's guests; the second one refuses to start instead. The kernel
/// drops the lock when the process ends, however it ends (a `kill -9` leaves no stale
/// lock); the file itself stays, and is never removed, so that two daemons always
/// lock the same inode. Dry runs and the simulator take no lock.
public final class BalancerLock: Sendable {
    /// Where the daemon's lock lives unless `lock_dir` or `--lock-dir` says otherwise.
    public static let defaultDirectory = "/run/ballast"

    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Takes the lock of `uri` in `directory` (created if missing), or says who holds it.
    public static func acquire(uri: String, directory: String) throws(BalancerLockError) -> BalancerLock {
        if mkdir(directory, 0o755) != 0, errno != EEXIST {
            throw .directoryUnusable(path: directory, reason: Self.reason(errno))
        }
        let path = "\(directory)/\(fileName(for: uri))"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .fileUnusable(path: path, reason: Self.reason(errno)) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let holder = readPID(descriptor)
            close(descriptor)
            if code == EWOULDBLOCK { throw .held(path: path, pid: holder, uri: uri) }
            throw .fileUnusable(path: path, reason: Self.reason(code))
        }
        let pid = Array("\(getpid())\n".utf8)
        let written = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        guard ftruncate(descriptor, off_t(pid.count)) == 0, written == pid.count else {
            let reason = Self.reason(errno)
            close(descriptor)
            throw .fileUnusable(path: path, reason: "cannot write the pid: \(reason)")
        }
        return BalancerLock(path: path, descriptor: descriptor)
    }

    /// `libvirt-<readable URI>-<hash>.lock`: the URI with every character but letters,
    /// digits, `.` and `-` folded to `_`, plus a hash of the exact URI so that two URIs
    /// that fold alike still get two locks.
    public static func fileName(for uri: String) -> String {
        var slug = ""
        for scalar in uri.unicodeScalars {
            let keep = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || scalar == "." || scalar == "-")
            if keep {
                slug.unicodeScalars.append(scalar)
            } else if !slug.hasSuffix("_") {
                slug += "_"
            }
        }
        let trimmed = slug.split(separator: "_", omittingEmptySubsequences: true).joined(separator: "_")
        var hash: UInt32 = 2_166_136_261
        for byte in uri.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        let hex = String(hash, radix: 16)
        let padded = String(repeating: "0", count: 8 - hex.count) + hex
        return "libvirt-\(trimmed.prefix(64))-\(padded).lock"
    }

    /// The pid the holder wrote, if it has written one yet.
    private static func readPID(_ descriptor: Int32) -> Int32? {
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        let digits = buffer[..<count].prefix { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        return Int32(String(decoding: digits, as: UTF8.self))
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// Why `ballast run` could not take the balancer lock; each says what to do next.
public enum BalancerLockError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another live daemon balances the same libvirt.
    case held(path: String, pid: Int32?, uri: String)
    /// The lock directory cannot be created or used (not root, read-only).
    case directoryUnusable(path: String, reason: String)
    /// The lock file cannot be opened, locked or written.
    case fileUnusable(path: String, reason: String)

    public var description: String {
        switch self {
        case .held(let path, let pid, let uri):
            let who = pid.map { "ballast (pid \($0))" } ?? "another ballast (its pid not written yet)"
            return "\(who) already balances \(uri): it holds \(path). Two balancers on one libvirt would resize "
                + "each other's guests; stop that one first, or run this one with --dry-run (dry runs take no lock)"
        case .directoryUnusable(let path, let reason):
            return "cannot create the lock directory \(path) (\(reason)): run as root, or give --lock-dir DIR "
                + "(or lock_dir in the config) a directory you can write, the same for every ballast on this host"
        case .fileUnusable(let path, let reason):
            return "cannot use the lock file \(path) (\(reason)): check its permissions, or give --lock-dir DIR "
                + "(or lock_dir in the config) a directory you can write"
        }
    }
}
