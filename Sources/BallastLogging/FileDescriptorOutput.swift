#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes bytes to a file descriptor whole: short writes continue and a write
/// interrupted by a signal is retried. Log lines, log files and the dashboard's
/// frames go out through here without Foundation's `FileHandle`.
public enum FileDescriptorOutput {
    /// Writes every byte, or stops at the first error other than EINTR (a closed
    /// terminal or a full disk must not stop the daemon); returns whether all were written.
    @discardableResult
    public static func writeAll(_ descriptor: Int32, _ text: String) -> Bool {
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = writeOnce(descriptor, base + offset, buffer.count - offset)
                if written < 0, errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }
}

/// One `write(2)` (at file scope, where `write` is the C call).
private func writeOnce(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
