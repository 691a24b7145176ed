#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// The real filesystem seen under `root`: "/" on a host, a fixture folder in
/// tests (a host path "/proc/meminfo" is read from "<root>/proc/meminfo").
/// Opens with POSIX `open` (on the path built on the stack), reads and closes through
/// swift-system's `FileDescriptor` (which retries a read interrupted by a signal):
/// /proc and /sys files report a size of 4096 or 0, so they are read until end of file
/// rather than by their stat size. Per-tick
/// reads go into a stack buffer (no heap allocation for files that fit in it, i.e.
/// every cgroup file Ballast reads); larger files continue into a growing array.
public struct RootedFileSystem: KernelFileSystem {
    public let root: String

    /// Bytes read without touching the heap (the InlineArray's size in `withContents`);
    /// cgroup v2 memory.stat is about 1.5 to 2 KiB.
    static let stackBufferSize = 4096

    public init(root: String = "/") {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
    }

    /// The host's own filesystem.
    public static let host = RootedFileSystem(root: "/")

    public func readText(_ path: String) throws(FileAccessError) -> String {
        try withContents(of: path) { String(decoding: $0, as: UTF8.self) }
    }

    public func withContents<Value>(of path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Value) throws(FileAccessError) -> Value {
        let fd = withResolvedPath(path) { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { throw .fromErrno(path: path, errno) }
        let file = FileDescriptor(rawValue: fd)
        defer { try? file.close() }
        // An InlineArray is a plain stack value: withUnsafeTemporaryAllocation would ask
        // glibc for the stack bounds above 1 KiB (pthread_getattr_np, a malloc per call).
        var storage = InlineArray<4096, UInt8>(repeating: 0)
        var span = storage.mutableSpan
        let outcome: Result<Value, FileAccessError> = span.withUnsafeMutableBufferPointer { buffer in
            switch readAll(file, path: path, into: buffer) {
            case .failure(let error):
                return .failure(error)
            case .success(let filled) where filled < buffer.count:
                return .success(body(UnsafeBufferPointer(rebasing: buffer[0..<filled])))
            case .success:
                // The stack buffer is full: the file may go on; read the rest into an array.
                var bytes = Array(buffer)
                return readRest(file, path: path, after: &bytes).map { bytes.withUnsafeBufferPointer(body) }
            }
        }
        return try outcome.get()
    }

    public func listDirectory(_ path: String) throws(FileAccessError) -> [String] {
        var names: [String] = []
        try forEachEntry(in: path) { names.append(String(decoding: $0, as: UTF8.self)) }
        return names.sorted()
    }

    public func forEachEntry(in path: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) throws(FileAccessError) {
        guard let dir = withResolvedPath(path, { opendir($0) }) else { throw .fromErrno(path: path, errno) }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            withUnsafeBytes(of: entry.pointee.d_name) { raw in
                let bytes = raw.assumingMemoryBound(to: UInt8.self)
                let name = UnsafeBufferPointer(rebasing: bytes[0..<(bytes.firstIndex(of: 0) ?? bytes.count)])
                let isDot = name.count == 1 && name[0] == 0x2E
                let isDotDot = name.count == 2 && name[0] == 0x2E && name[1] == 0x2E
                if !isDot && !isDotDot { body(name) }
            }
        }
    }

    public func isDirectory(_ path: String) -> Bool {
        var info = stat()
        guard withResolvedPath(path, { stat($0, &info) }) == 0 else { return false }
        return (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Calls `body` with "<root><path>" as a C string built on the stack (no heap
    /// allocation per file in a tick).
    func withResolvedPath<Value>(_ path: String, _ body: (UnsafePointer<CChar>) -> Value) -> Value {
        if root.isEmpty { return path.withCString(body) }
        let rootCount = root.utf8.count
        let total = rootCount + path.utf8.count
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: total + 1) { buffer in
            guard let base = buffer.baseAddress else { return (root + path).withCString(body) }
            _ = UnsafeMutableBufferPointer(start: base, count: rootCount)
                .initialize(from: root.utf8.lazy.map { CChar(bitPattern: $0) })
            _ = UnsafeMutableBufferPointer(start: base + rootCount, count: total - rootCount)
                .initialize(from: path.utf8.lazy.map { CChar(bitPattern: $0) })
            (base + total).initialize(to: 0)
            return body(base)
        }
    }

    /// Reads until end of file or until `buffer` is full; the number of bytes read.
    private func readAll(_ file: FileDescriptor, path: String,
                         into buffer: UnsafeMutableBufferPointer<UInt8>) -> Result<Int, FileAccessError> {
        let bytes = UnsafeMutableRawBufferPointer(buffer)
        var filled = 0
        while filled < bytes.count {
            let count: Int
            do {
                count = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: bytes[filled...]), retryOnInterrupt: true)
            } catch {
                return .failure(.fromErrno(path: path, (error as? Errno)?.rawValue ?? EIO))
            }
            if count == 0 { break }
            filled += count
        }
        return .success(filled)
    }

    /// Appends the rest of the file to `bytes`, chunk by chunk.
    private func readRest(_ file: FileDescriptor, path: String, after bytes: inout [UInt8]) -> Result<Void, FileAccessError> {
        var chunk = [UInt8](repeating: 0, count: Self.stackBufferSize)
        while true {
            let outcome = chunk.withUnsafeMutableBufferPointer { readAll(file, path: path, into: $0) }
            switch outcome {
            case .failure(let error): return .failure(error)
            case .success(let count):
                bytes.append(contentsOf: chunk[0..<count])
                if count < chunk.count { return .success(()) }
            }
        }
    }
}
