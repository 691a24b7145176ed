#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Path and file helpers for the trace loaders, on plain POSIX calls so that
/// the simulator needs only FoundationEssentials (docs/observability.md, "Ballast's
/// own memory", says why Ballast does not link Foundation).
enum TraceFiles {
    /// `directory/name`, without doubling a trailing slash.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The last component of a path ("a/b/c.csv" → "c.csv").
    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The first `bytes` bytes of a file as text (invalid UTF-8 repaired), or nil
    /// if it cannot be opened.
    static func prefix(of path: String, bytes: Int) -> String? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: bytes)
        let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, bytes) }
        guard count >= 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }
}
