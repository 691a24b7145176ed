import SystemPackage

/// Reads a file whole, through swift-system: a read interrupted by a signal (the SIGHUP
/// that asks for a reload, say) is retried, a failure names the system's reason. Used for
/// the config file and for /proc/self/maps.
enum TextFile {
    /// The file's text (invalid UTF-8 replaced), or the `Errno` of the call that failed.
    static func text(at path: String) throws -> String {
        let file = try FileDescriptor.open(FilePath(path), .readOnly, options: .closeOnExec)
        defer { try? file.close() }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = try chunk.withUnsafeMutableBytes { try file.read(into: $0, retryOnInterrupt: true) }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
