#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few filesystem operations the cgroup and /proc readers (and the one sysfs
/// writer, KSM's) need, behind a protocol so that tests run them against fixture trees.
/// Paths are always host paths ("/proc/meminfo", "/sys/fs/cgroup/..").
public protocol KernelFileSystem: Sendable {
    /// The whole file as text.
    func readText(_ path: String) throws(FileAccessError) -> String
    /// Names of the entries of a directory (without "." and "..").
    func listDirectory(_ path: String) throws(FileAccessError) -> [String]
    /// Whether `path` is an existing directory.
    func isDirectory(_ path: String) -> Bool
    /// Calls `body` with the whole file's bytes, valid only during the call: the
    /// per-tick readers parse these without building a `String` per file.
    func withContents<Value>(of path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Value) throws(FileAccessError) -> Value
    /// Calls `body` with the name of each entry of a directory (without "." and
    /// "..", in no particular order), as bytes valid only during the call.
    func forEachEntry(in path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileAccessError)
    /// Writes `text` to an existing kernel file (a sysfs knob); never creates one.
    func writeText(_ path: String, _ text: String) throws(FileAccessError)
    /// Whether this process may write `path` (`access(2)`, asked, not tried).
    func isWritable(_ path: String) -> Bool
}

extension KernelFileSystem {
    /// Default: the bytes of `readText` (no copy for a native string).
    public func withContents<Value>(of path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Value) throws(FileAccessError) -> Value {
        var text = try readText(path)
        return text.withUTF8(body)
    }

    /// Default: the names of `listDirectory`.
    public func forEachEntry(in path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileAccessError) {
        for var name in try listDirectory(path) { name.withUTF8(body) }
    }
}
