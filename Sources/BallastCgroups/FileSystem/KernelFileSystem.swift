#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few filesystem operations the cgroup and /proc readers need, behind a
/// protocol so that tests run the same readers against fixture trees.
/// Paths are always host paths ("/proc/meminfo", "/sys/fs/cgroup/..").
public protocol KernelFileSystem: Sendable {
    /// The whole file as text.
    func readText(_ path: String) throws(FileAccessError) -> String
    /// Names of the entries of a directory (without "." and "..").
    func listDirectory(_ path: String) throws(FileAccessError) -> [String]
    /// Whether `path` is an existing directory.
    func isDirectory(_ path: String) -> Bool
}

/// The real filesystem seen under `root`: "/" on a host, a fixture folder in
/// tests (a host path "/proc/meminfo" is read from "<root>/proc/meminfo").
/// Reads with plain POSIX calls: /proc and /sys files report a size of 4096 or 0,
/// so they are read until end of file rather than by their stat size.
public struct RootedFileSystem: KernelFileSystem {
    public let root: String

    public init(root: String = "/") {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// The host's own filesystem.
    public static let host = RootedFileSystem(root: "/")

    func resolve(_ path: String) -> String { root + path }

    public func readText(_ path: String) throws(FileAccessError) -> String {
        let fd = open(resolve(path), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .fromErrno(path: path, errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .fromErrno(path: path, code)
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func listDirectory(_ path: String) throws(FileAccessError) -> [String] {
        guard let dir = opendir(resolve(path)) else { throw .fromErrno(path: path, errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    public func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard stat(resolve(path), &info) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }
}
