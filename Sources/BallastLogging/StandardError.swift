#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes to file descriptor 2 directly, retrying short writes: JSON log lines
/// and the CLI's diagnostics go there without Foundation's `FileHandle`.
public enum StandardError {
    public static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = writeOnce(base + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }

    public static func write(_ text: String) {
        write(Array(text.utf8))
    }
}

/// One `write(2)` to standard error (at file scope, where `write` is the C call).
private func writeOnce(_ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(STDERR_FILENO, bytes, count)
}
